/**
 * bench:memory — 10,000 items × 384 dims in one namespace; the same data and queries on LangGraph's
 * InMemoryStore (the baseline) and on RedisStore, in one run. Prints batched put throughput,
 * top-10 search p50/p95, the p50 ratio against the baseline, and recall@10 against exact cosine.
 * Bars (issue 5): search p50 ≤ 0.5 × InMemoryStore's, recall@10 = 1.0, put ≥ 5,000 items/s.
 */
import { performance } from "node:perf_hooks";
import { InMemoryStore, type BaseStore } from "@langchain/langgraph-checkpoint";
import { Embeddings } from "@langchain/core/embeddings";
import { connectRedis } from "../lib/redis.js";
import { RedisStore } from "../memory/redis-store/store.js";
import { deleteByPrefix, testRedisUrl } from "../test/support/redis.js";

const ITEMS = Number(process.argv[2] ?? 10_000);
const DIMS = 384;
const QUERIES = 200;
const WARMUP = 20;
const PUT_BATCH = 1_000;
const NAMESPACE = ["bench", "docs"];

/** Deterministic PRNG (mulberry32), so every run measures the same data. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const next = random(42);
const vectorOf = new Map<string, number[]>();
const vector = () => Array.from({ length: DIMS }, () => next() * 2 - 1);
const itemTexts = Array.from({ length: ITEMS }, (_, i) => `item ${i}`);
const queryTexts = Array.from({ length: QUERIES }, (_, i) => `query ${i}`);
for (const text of [...itemTexts, ...queryTexts]) vectorOf.set(text, vector());

/** Looks precomputed vectors up, so both stores pay the same (negligible) embedding cost. */
class TableEmbeddings extends Embeddings {
  constructor() {
    super({});
  }
  async embedDocuments(texts: string[]): Promise<number[][]> {
    return texts.map((text) => vectorOf.get(text)!);
  }
  async embedQuery(text: string): Promise<number[]> {
    return vectorOf.get(text)!;
  }
}

function exactTop10(query: number[]): string[] {
  const norm = (v: number[]) => Math.sqrt(v.reduce((sum, x) => sum + x * x, 0));
  const qn = norm(query);
  return itemTexts
    .map((text, i) => {
      const v = vectorOf.get(text)!;
      let dot = 0;
      for (let d = 0; d < DIMS; d += 1) dot += v[d]! * query[d]!;
      return { key: `k${i}`, score: dot / (qn * norm(v)) };
    })
    .sort((a, b) => b.score - a.score)
    .slice(0, 10)
    .map((hit) => hit.key);
}

const percentile = (values: number[], p: number) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor((p / 100) * values.length))]!;

interface Figures {
  putPerSecond: number;
  p50: number;
  p95: number;
  firstSearchMs: number;
  recall: number;
}

async function measure(store: BaseStore, truth: string[][]): Promise<Figures> {
  const started = performance.now();
  for (let start = 0; start < ITEMS; start += PUT_BATCH) {
    await store.batch(
      itemTexts.slice(start, start + PUT_BATCH).map((text, i) => ({ namespace: NAMESPACE, key: `k${start + i}`, value: { text, n: start + i } })),
    );
  }
  const putPerSecond = ITEMS / ((performance.now() - started) / 1000);
  const firstStarted = performance.now();
  await store.search(NAMESPACE, { query: queryTexts[0]!, limit: 10 });
  const firstSearchMs = performance.now() - firstStarted;
  for (let i = 0; i < WARMUP; i += 1) await store.search(NAMESPACE, { query: queryTexts[i]!, limit: 10 });
  const times: number[] = [];
  let hits = 0;
  for (let i = 0; i < QUERIES; i += 1) {
    const t0 = performance.now();
    const results = await store.search(NAMESPACE, { query: queryTexts[i]!, limit: 10 });
    times.push(performance.now() - t0);
    const expected = new Set(truth[i]);
    hits += results.filter((item) => expected.has(item.key)).length;
  }
  return { putPerSecond, p50: percentile(times, 50), p95: percentile(times, 95), firstSearchMs, recall: hits / (QUERIES * 10) };
}

async function main(): Promise<void> {
  const url = testRedisUrl();
  const keyPrefix = `bench:memory:${process.pid}:`;
  const truth = queryTexts.map((text) => exactTop10(vectorOf.get(text)!));
  const index = { dims: DIMS, embeddings: new TableEmbeddings(), fields: ["text"] };

  const baseline = await measure(new InMemoryStore({ index }), truth);
  const connection = await connectRedis({ url, name: "switchboard-bench" });
  const store = new RedisStore(connection, { keyPrefix, index });
  let ours: Figures;
  try {
    await store.setup();
    ours = await measure(store, truth);
  } finally {
    await deleteByPrefix(connection, keyPrefix);
    await connection.close();
  }

  const row = (name: string, f: Figures) =>
    `${name.padEnd(14)} put ${f.putPerSecond.toFixed(0).padStart(7)} items/s   search p50 ${f.p50.toFixed(2).padStart(6)} ms  p95 ${f.p95.toFixed(2).padStart(6)} ms   first search ${f.firstSearchMs.toFixed(1).padStart(6)} ms   recall@10 ${f.recall.toFixed(3)}`;
  const ratio = ours.p50 / baseline.p50;
  console.log(`bench:memory: ${ITEMS} items x ${DIMS} dims, one namespace, ${QUERIES} top-10 queries (after ${WARMUP} warm-up), Redis at ${url}`);
  console.log(row("InMemoryStore", baseline));
  console.log(row("RedisStore", ours));
  console.log(`search p50 ratio RedisStore/InMemoryStore: ${ratio.toFixed(3)} (bar <= 0.5)  ${ratio <= 0.5 ? "PASS" : "FAIL"}`);
  console.log(`recall@10 vs exact cosine: ${ours.recall.toFixed(3)} (bar = 1.0)  ${ours.recall === 1 ? "PASS" : "FAIL"}`);
  console.log(`batched put: ${ours.putPerSecond.toFixed(0)} items/s (bar >= 5000)  ${ours.putPerSecond >= 5000 ? "PASS" : "FAIL"}`);
  if (ratio > 0.5 || ours.recall < 1 || ours.putPerSecond < 5000) process.exitCode = 1;
}

await main();
