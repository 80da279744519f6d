/**
 * Exact vector ranking over mirrors: a dot product of the normalised query with every normalised
 * row (cosine similarity), the best row per item, and a bounded top-N kept by insertion. No
 * approximation, so recall against exact cosine search is 1.0.
 */
import type { MirrorItem, NamespaceMirror } from "./mirror.js";

/** A ranked item with the mirror it came from. */
export interface RankedItem {
  mirror: NamespaceMirror;
  item: MirrorItem;
  score: number | undefined;
}

/** Cosine scores of every row of a mirror (rows are normalised, so a dot product suffices). */
export function scoreRows(mirror: NamespaceMirror, query: Float64Array): Float64Array {
  const { matrix, rowCount, dims } = mirror;
  const scores = new Float64Array(rowCount);
  const tail = dims - (dims % 4);
  for (let row = 0, base = 0; row < rowCount; row += 1, base += dims) {
    // Four accumulators let the JIT overlap the multiply-adds.
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    let d = 0;
    for (; d < tail; d += 4) {
      s0 += matrix[base + d]! * query[d]!;
      s1 += matrix[base + d + 1]! * query[d + 1]!;
      s2 += matrix[base + d + 2]! * query[d + 2]!;
      s3 += matrix[base + d + 3]! * query[d + 3]!;
    }
    for (; d < dims; d += 1) s0 += matrix[base + d]! * query[d]!;
    scores[row] = s0 + s1 + s2 + s3;
  }
  return scores;
}

/** Keeps the `size` best entries seen, best first; ties keep insertion order (then `seq`). */
class TopN {
  readonly entries: RankedItem[] = [];

  constructor(private readonly size: number) {}

  offer(entry: RankedItem): void {
    const score = entry.score!;
    const list = this.entries;
    if (list.length === this.size && !(score > list[list.length - 1]!.score!)) return;
    let at = list.length;
    while (at > 0 && (list[at - 1]!.score! < score || (list[at - 1]!.score === score && list[at - 1]!.item.seq > entry.item.seq))) at -= 1;
    list.splice(at, 0, entry);
    if (list.length > this.size) list.pop();
  }
}

/**
 * Ranks the candidate items of several mirrors by similarity to the query; items without vectors
 * follow the scored ones (in insertion order). Returns the window [offset, offset + limit).
 */
export function rankByVector(
  mirrors: readonly NamespaceMirror[],
  query: Float64Array,
  accept: ((mirror: NamespaceMirror, item: MirrorItem) => boolean) | undefined,
  offset: number,
  limit: number,
): RankedItem[] {
  const top = new TopN(offset + limit);
  const unscored: RankedItem[] = [];
  for (const mirror of mirrors) {
    const rowScores = scoreRows(mirror, query);
    const best = new Float64Array(mirror.items.length).fill(Number.NEGATIVE_INFINITY);
    for (let row = 0; row < mirror.rowCount; row += 1) {
      const owner = mirror.rowItem[row]!;
      if (rowScores[row]! > best[owner]!) best[owner] = rowScores[row]!;
    }
    mirror.items.forEach((item, index) => {
      if (accept && !accept(mirror, item)) return;
      if (item.rows.length === 0) unscored.push({ mirror, item, score: undefined });
      else top.offer({ mirror, item, score: best[index]! });
    });
  }
  unscored.sort((a, b) => a.item.seq - b.item.seq);
  return [...top.entries, ...unscored].slice(offset, offset + limit);
}

/** Lists candidate items in insertion order, mirror by mirror, for a search without a query. */
export function listInOrder(
  mirrors: readonly NamespaceMirror[],
  accept: ((mirror: NamespaceMirror, item: MirrorItem) => boolean) | undefined,
  offset: number,
  limit: number,
): RankedItem[] {
  const out: RankedItem[] = [];
  let skipped = 0;
  for (const mirror of mirrors) {
    const ordered = [...mirror.items].sort((a, b) => a.seq - b.seq);
    for (const item of ordered) {
      if (accept && !accept(mirror, item)) continue;
      if (skipped < offset) {
        skipped += 1;
        continue;
      }
      out.push({ mirror, item, score: undefined });
      if (out.length === limit) return out;
    }
  }
  return out;
}
