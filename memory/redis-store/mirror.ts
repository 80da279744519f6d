/**
 * A process-local replica of one namespace: its items and their vectors in one compact Float32
 * matrix, so a vector search scans local memory instead of pulling megabytes from Redis. It stays
 * coherent through a version check per read: one SYNC script call that, in the steady state,
 * returns "nothing changed", and otherwise the items written or deleted since the replica's
 * version (paged, applied all at once so a search never sees half a sync).
 */
import { decodeItem, decodeVectors, parseValue } from "./codec.js";

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
  matrix: Float32Array;
  /** Owner item index of each row. */
  rowItem: Int32Array;
  rowCount = 0;
  lastUsed = 0;

  constructor(
    readonly namespace: string[],
    readonly dims: number,
  ) {
    this.matrix = new Float32Array(dims * 16);
    this.rowItem = new Int32Array(16);
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
      const matrix = new Float32Array(capacity * this.dims);
      matrix.set(this.matrix);
      this.matrix = matrix;
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
