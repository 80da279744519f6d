/**
 * Encoding of what the RedisStore keeps per item: a small header in front of the value's JSON
 * (so scripts can keep `createdAt` and the insertion order without parsing JSON in Lua) and the
 * item's embeddings as normalised Float32 vectors (4 bytes a dimension, dot product = cosine).
 */
import { DataCorruptionError } from "../../lib/errors.js";

/** An item as stored: header fields plus the value's JSON text. */
export interface StoredItem {
  createdAt: number;
  /** Version at creation: orders items by insertion, like InMemoryStore's maps. */
  seq: number;
  updatedAt: number;
  /** TTL in ms the item was written with, or undefined for none. */
  ttlMs: number | undefined;
  json: string;
}

const HEADER = /^(\d+):(\d+):(\d+):(\d*):/;

/** Parses `<createdAt>:<seq>:<updatedAt>:<ttlMs>:<json>`. */
export function decodeItem(raw: string, where: string): StoredItem {
  const match = HEADER.exec(raw);
  if (!match) throw new DataCorruptionError(where, `Store item at ${where} has no valid header; it was not written by RedisStore.`);
  return {
    createdAt: Number(match[1]),
    seq: Number(match[2]),
    updatedAt: Number(match[3]),
    ttlMs: match[4] === "" ? undefined : Number(match[4]),
    json: raw.slice(match[0].length),
  };
}

/** Parses an item's value JSON, naming the key if it is damaged. */
export function parseValue(json: string, where: string): Record<string, unknown> {
  try {
    return JSON.parse(json) as Record<string, unknown>;
  } catch (error) {
    throw new DataCorruptionError(where, `Store item at ${where} holds invalid JSON.`, { cause: error });
  }
}

/** Writes one vector, normalised, into `target` at float offset `at` (a zero vector stays zero). */
export function writeNormalized(vector: readonly number[], dims: number, target: Float32Array, at: number): void {
  let norm = 0;
  for (let d = 0; d < dims; d += 1) norm += vector[d]! * vector[d]!;
  // A zero vector's cosine with anything is 0, as InMemoryStore scores it.
  const scale = norm > 0 ? 1 / Math.sqrt(norm) : 0;
  for (let d = 0; d < dims; d += 1) target[at + d] = vector[d]! * scale;
}

/** Unpacks stored vectors into an aligned Float32Array (rows × dims). */
export function decodeVectors(buffer: Buffer, dims: number, where: string): Float32Array {
  if (buffer.byteLength % (dims * 4) !== 0) {
    throw new DataCorruptionError(where, `Vectors at ${where} are ${buffer.byteLength} bytes, not a multiple of ${dims} dims; the index changed without a re-index.`);
  }
  // Socket buffers are not 4-byte aligned; copying into a fresh ArrayBuffer aligns them.
  return new Float32Array(new Uint8Array(buffer).buffer);
}

/** Normalises a query vector into a Float64Array for the scoring loop. */
export function normalizeQuery(vector: readonly number[]): Float64Array {
  const out = Float64Array.from(vector);
  let norm = 0;
  for (let d = 0; d < out.length; d += 1) norm += out[d]! * out[d]!;
  const scale = norm > 0 ? 1 / Math.sqrt(norm) : 0;
  for (let d = 0; d < out.length; d += 1) out[d] = out[d]! * scale;
  return out;
}
