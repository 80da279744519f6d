import { normalizeQuery, writeNormalized } from "./codec.js";
import { NamespaceMirror } from "./mirror.js";
import { rankByVector } from "./ranking.js";

/** Packs vectors the way the write path stores them (normalised Float32). */
function encodeVectorsForTest(vectors: number[][], dims: number): Buffer {
  const packed = new Float32Array(vectors.length * dims);
  vectors.forEach((vector, row) => writeNormalized(vector, dims, packed, row * dims));
  return Buffer.from(packed.buffer);
}

function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    return state / 2 ** 31 - 0.5;
  };
}

function mirrorOf(vectors: number[][], dims: number): NamespaceMirror {
  const mirror = new NamespaceMirror(["t"], dims);
  mirror.apply([{
    epoch: "e", upto: vectors.length, version: vectors.length, reset: true, deleted: [],
    keys: vectors.map((_, i) => `k${i}`),
    items: vectors.map((_, i) => Buffer.from(`0:${i + 1}:0::{"i":${i}}`)),
    vectors: vectors.map((vector) => encodeVectorsForTest([vector], dims)),
  }]);
  return mirror;
}

// The store keeps vectors as normalised Float32, so "exact" means float64 arithmetic over those.
function exactOrder(vectors: number[][], query: number[], k: number): string[] {
  const dims = query.length;
  const stored = new Float32Array(encodeVectorsForTest(vectors, dims).buffer);
  const q = normalizeQuery(query);
  return vectors
    .map((_, i) => ({ key: `k${i}`, score: Array.from({ length: dims }, (_, d) => stored[i * dims + d]! * q[d]!).reduce((a, b) => a + b, 0), i }))
    .sort((a, b) => b.score - a.score || a.i - b.i)
    .slice(0, k)
    .map((hit) => hit.key);
}

describe("rankByVector", () => {
  it("returns the exact cosine top-k through the Float32 SIMD scan, near ties included", () => {
    const dims = 16;
    const next = random(7);
    const base = Array.from({ length: dims }, () => next());
    // 40 near-duplicates of one vector (closer than the Float32 scan can tell apart) and 400 random ones.
    const vectors = [
      ...Array.from({ length: 40 }, (_, i) => base.map((x, d) => (d === i % dims ? x + i * 2e-6 : x))),
      ...Array.from({ length: 400 }, () => Array.from({ length: dims }, () => next())),
    ];
    const mirror = mirrorOf(vectors, dims);
    expect(mirror.approximate).toBe(true);
    for (const query of [base, ...Array.from({ length: 20 }, () => Array.from({ length: dims }, () => next()))]) {
      const ranked = rankByVector([mirror], normalizeQuery(query), undefined, 0, 10).map((entry) => entry.item.key);
      expect(ranked).toEqual(exactOrder(vectors, query, 10));
    }
  });

  it("applies offset, limit and a filter on the exact ranking", () => {
    const dims = 8;
    const next = random(3);
    const vectors = Array.from({ length: 200 }, () => Array.from({ length: dims }, () => next()));
    const mirror = mirrorOf(vectors, dims);
    const query = Array.from({ length: dims }, () => next());
    const evens = (_: NamespaceMirror, item: { key: string }) => Number(item.key.slice(1)) % 2 === 0;
    const ranked = rankByVector([mirror], normalizeQuery(query), evens, 5, 5).map((entry) => entry.item.key);
    const expected = exactOrder(vectors, query, 200).filter((key) => Number(key.slice(1)) % 2 === 0).slice(5, 10);
    expect(ranked).toEqual(expected);
  });
});
