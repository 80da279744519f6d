/**
 * Exact vector ranking over mirrors: a dot product of the normalised query with every normalised
 * row (cosine similarity), the best row per item, and a bounded top-N kept by insertion. The scan
 * may run in Float32 SIMD, but the final order always comes from exact float64 scores, so recall
 * against exact cosine search is 1.0.
 */
import { exactRowScore, type MirrorItem, type NamespaceMirror } from "./mirror.js";

/** A ranked item with the mirror it came from. */
export interface RankedItem {
  mirror: NamespaceMirror;
  item: MirrorItem;
  score: number | undefined;
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

// Extra candidates kept beyond the window when scores are approximate, before exact re-scoring.
const MARGIN = 16;

/** Bound on the error of a Float32 dot product of unit vectors (rounding of ~dims terms). */
function errorBound(dims: number): number {
  return (dims + 2) * 2 ** -23;
}

/**
 * Ranks the candidate items of several mirrors by similarity to the query; items without vectors
 * follow the scored ones (in insertion order). Returns the window [offset, offset + limit).
 *
 * With the SIMD kernel, the scan is Float32: the best `offset + limit + MARGIN` items by that
 * score are re-scored exactly in float64, which gives the exact ranking whenever the gap between
 * the window's last item and the last candidate exceeds twice the error bound; otherwise (near
 * ties) every item is re-scored exactly. Recall is exact either way.
 */
export function rankByVector(
  mirrors: readonly NamespaceMirror[],
  query: Float64Array,
  accept: ((mirror: NamespaceMirror, item: MirrorItem) => boolean) | undefined,
  offset: number,
  limit: number,
): RankedItem[] {
  const window = offset + limit;
  const unscored: RankedItem[] = [];
  const approximate = mirrors.some((mirror) => mirror.approximate);
  const shortlist = new TopN(approximate ? window + MARGIN : window);
  for (const mirror of mirrors) {
    const rowScores = mirror.scoreAll(query);
    const best = new Float64Array(mirror.items.length).fill(Number.NEGATIVE_INFINITY);
    for (let row = 0; row < mirror.rowCount; row += 1) {
      const owner = mirror.rowItem[row]!;
      if (rowScores[row]! > best[owner]!) best[owner] = rowScores[row]!;
    }
    mirror.items.forEach((item, index) => {
      if (accept && !accept(mirror, item)) return;
      if (item.rows.length === 0) return void unscored.push({ mirror, item, score: undefined });
      shortlist.offer({ mirror, item, score: best[index]! });
    });
  }
  let ranked = shortlist.entries;
  if (approximate) {
    const list = shortlist.entries;
    const dims = mirrors[0]?.dims ?? 0;
    const separated = list.length < window + MARGIN || list[window - 1]!.score! - list[list.length - 1]!.score! > 2 * errorBound(dims);
    const top = new TopN(window);
    if (separated) {
      for (const entry of list) top.offer({ ...entry, score: exactItemScore(entry, query) });
    } else {
      // Near ties at the window's edge: re-score every accepted item exactly.
      for (const mirror of mirrors) {
        for (const item of mirror.items) {
          if (item.rows.length === 0 || (accept && !accept(mirror, item))) continue;
          top.offer({ mirror, item, score: exactItemScore({ mirror, item, score: undefined }, query) });
        }
      }
    }
    ranked = top.entries;
  }
  unscored.sort((a, b) => a.item.seq - b.item.seq);
  return [...ranked, ...unscored].slice(offset, offset + limit);
}

function exactItemScore({ mirror, item }: RankedItem, query: Float64Array): number {
  let best = Number.NEGATIVE_INFINITY;
  for (const row of item.rows) best = Math.max(best, exactRowScore(mirror.matrix, row * mirror.dims, mirror.dims, query));
  return best;
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
