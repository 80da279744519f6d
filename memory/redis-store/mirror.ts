/**
 * A process-local replica of one namespace: its items and their vectors in one compact Float32
 * matrix, so a vector search scans local memory instead of pulling megabytes from Redis. It stays
 * coherent through a version check per read: one SYNC script call that, in the steady state,
 * returns "nothing changed", and otherwise the items written or deleted since the replica's
 * version (paged, applied all at once so a search never sees half a sync).
 */
import { decodeItem, decodeVectors, parseValue } from "./codec.js";
import { kernelOnNewMemory, simdKernel, WASM_PAGE, type DotKernel, type WasmMemory } from "./simd-kernel.js";

/** Rows from which a mirror scans with the WebAssembly SIMD kernel. */
export const SIMD_MIN_ROWS = 512;

/** One item of a mirror. */
export interface MirrorItem {
  key: string;
  createdAt: number;
  updatedAt: number;
  seq: number;
  ttlMs: number | undefined;
  json: string;
  /** Parsed value, built on first use by a filter. */
  parsed: Record<string, unknown> | undefined;
  /** Matrix rows holding this item's vectors. */
  rows: number[];
}

/** One page of changes as returned by the SYNC script. */
export interface SyncPage {
  epoch: string;
  upto: number;
  version: number;
  reset: boolean;
  keys: string[];
  items: (Buffer | null)[];
  vectors: (Buffer | null)[];
  deleted: string[];
}

/** The in-process replica of one namespace. */
export class NamespaceMirror {
  epoch = "";
  version = 0;
  items: MirrorItem[] = [];
  /** Item index by key. */
  readonly slots = new Map<string, number>();
  /** Row-major vectors, `dims` floats a row; rows beyond `rowCount` are free. */
  matrix!: Float32Array;
  /** Owner item index of each row. */
  rowItem: Int32Array;
  rowCount = 0;
  lastUsed = 0;

  /** WebAssembly memory holding [query | matrix | scores] when the SIMD kernel is available. */
  private simd: { memory: WasmMemory; dot: DotKernel; queryBytes: number } | undefined;

  constructor(
    readonly namespace: string[],
    readonly dims: number,
  ) {
    this.rowItem = new Int32Array(16);
    this.matrix = this.matrixView(16);
  }

  /** Whether `scoreAll` is the fast Float32 approximation (true) or exact (false). */
  get approximate(): boolean {
    return this.simd !== undefined;
  }

  /**
   * Dot products of the query with every row: Float32 through the SIMD kernel (approximate to
   * about dims × 2^-23), or exact in float64 without it. The result is valid until the next write.
   */
  scoreAll(query: Float64Array): Float32Array | Float64Array {
    if (!this.simd) return exactScores(this, query);
    const { memory, dot, queryBytes } = this.simd;
    new Float32Array(memory.buffer, 0, this.dims).set(query);
    const scoresAt = queryBytes + this.rowItem.length * this.dims * 4;
    dot(0, queryBytes, this.rowCount, this.dims, scoresAt);
    return new Float32Array(memory.buffer, scoresAt, this.rowCount);
  }

  // Room for `capacity` rows. Small mirrors (most: an owner's episodes or skills) stay in a plain
  // Float32Array, since a WebAssembly memory costs at least 64 KiB; from SIMD_MIN_ROWS rows on the
  // matrix moves into WebAssembly memory, where it keeps its offset as memory grows.
  private matrixView(capacity: number): Float32Array {
    let moving = false;
    if (!this.simd && capacity >= SIMD_MIN_ROWS && this.dims % 4 === 0) {
      const kernel = simdKernel();
      if (kernel) this.simd = { ...kernelOnNewMemory(kernel, 1), queryBytes: Math.ceil((this.dims * 4) / 16) * 16 };
      moving = kernel !== null;
    }
    if (!this.simd) {
      const matrix = new Float32Array(capacity * this.dims);
      if (this.matrix) matrix.set(this.matrix);
      return matrix;
    }
    const { memory, queryBytes } = this.simd;
    const needed = queryBytes + capacity * this.dims * 4 + capacity * 4;
    const pages = Math.ceil(needed / WASM_PAGE) - memory.buffer.byteLength / WASM_PAGE;
    if (pages > 0) memory.grow(pages);
    const matrix = new Float32Array(memory.buffer, queryBytes, capacity * this.dims);
    // Growing WebAssembly memory keeps the rows in place; only the move from a plain array copies.
    if (moving && this.matrix) matrix.set(this.matrix);
    return matrix;
  }

  /** Parsed value of an item (cached). */
  value(item: MirrorItem): Record<string, unknown> {
    item.parsed ??= parseValue(item.json, `${this.namespace.join(".")}/${item.key}`);
    return item.parsed;
  }

  /** Applies consecutive pages; the mirror then reflects the last page's version. */
  apply(pages: readonly SyncPage[]): void {
    for (const page of pages) {
      if (page.reset) this.clear();
      this.epoch = page.epoch;
      page.keys.forEach((key, i) => this.upsert(key, page.items[i] ?? null, page.vectors[i] ?? null));
      for (const key of page.deleted) this.remove(key);
      this.version = page.upto;
    }
  }

  private clear(): void {
    this.items = [];
    this.slots.clear();
    this.rowCount = 0;
  }

  private upsert(key: string, raw: Buffer | null, vectors: Buffer | null): void {
    if (raw === null) return this.remove(key); // deleted between the page's ZRANGE and HMGET cannot happen; be safe
    this.remove(key);
    const stored = decodeItem(raw.toString("utf8"), `${this.namespace.join(".")}/${key}`);
    const item: MirrorItem = { key, ...stored, parsed: undefined, rows: [] };
    const index = this.items.length;
    this.items.push(item);
    this.slots.set(key, index);
    // A store opened without an index ignores vectors written by one that had it.
    if (this.dims > 0 && vectors && vectors.byteLength > 0) {
      const floats = decodeVectors(vectors, this.dims, `${this.namespace.join(".")}/${key}`);
      for (let offset = 0; offset < floats.length; offset += this.dims) {
        const row = this.allocateRow(index);
        this.matrix.set(floats.subarray(offset, offset + this.dims), row * this.dims);
        item.rows.push(row);
      }
    }
  }

  private remove(key: string): void {
    const index = this.slots.get(key);
    if (index === undefined) return;
    const item = this.items[index]!;
    // Free rows from the highest down so a moved last row never lands on a row still to free.
    for (const row of [...item.rows].sort((a, b) => b - a)) this.freeRow(row);
    const last = this.items.length - 1;
    if (index !== last) {
      const moved = this.items[last]!;
      this.items[index] = moved;
      this.slots.set(moved.key, index);
      for (const row of moved.rows) this.rowItem[row] = index;
    }
    this.items.pop();
    this.slots.delete(key);
  }

  private allocateRow(itemIndex: number): number {
    if (this.rowCount === this.rowItem.length) {
      const capacity = this.rowItem.length * 2;
      this.matrix = this.matrixView(capacity);
      const rowItem = new Int32Array(capacity);
      rowItem.set(this.rowItem);
      this.rowItem = rowItem;
    }
    this.rowItem[this.rowCount] = itemIndex;
    return this.rowCount++;
  }

  private freeRow(row: number): void {
    const last = this.rowCount - 1;
    if (row !== last) {
      this.matrix.copyWithin(row * this.dims, last * this.dims, (last + 1) * this.dims);
      const owner = this.items[this.rowItem[last]!]!;
      owner.rows[owner.rows.indexOf(last)] = row;
      this.rowItem[row] = this.rowItem[last]!;
    }
    this.rowCount = last;
  }
}

/** Exact (float64) dot products of the query with every row of a mirror. */
export function exactScores(mirror: NamespaceMirror, query: Float64Array): Float64Array {
  const { matrix, rowCount, dims } = mirror;
  const scores = new Float64Array(rowCount);
  for (let row = 0; row < rowCount; row += 1) scores[row] = exactRowScore(matrix, row * dims, dims, query);
  return scores;
}

/** Exact dot product of one matrix row (at float offset `base`) with the query. */
export function exactRowScore(matrix: Float32Array, base: number, dims: number, query: Float64Array): number {
  // Four accumulators let the JIT overlap the multiply-adds.
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  const tail = dims - (dims % 4);
  let d = 0;
  for (; d < tail; d += 4) {
    s0 += matrix[base + d]! * query[d]!;
    s1 += matrix[base + d + 1]! * query[d + 1]!;
    s2 += matrix[base + d + 2]! * query[d + 2]!;
    s3 += matrix[base + d + 3]! * query[d + 3]!;
  }
  for (; d < dims; d += 1) s0 += matrix[base + d]! * query[d]!;
  return s0 + s1 + s2 + s3;
}
