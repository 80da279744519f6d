/**
 * The saver's Redis key layout, built in this one module.
 *
 * Every thread owns a fixed set of eight keys, all carrying the thread's hash tag
 * (lib/redis-hash-tag.ts, shared with the server's records and the tool-call ledger), so a
 * thread lives in one Redis Cluster slot: scripts touch only declared keys of one slot,
 * TTL refresh costs eight PEXPIREs however long the thread is, and deleting a thread is
 * one UNLINK.
 *
 *   <prefix>cp:{<thread>}:ckpt  HASH  "<ns>\0<id>"          serialized checkpoint (without values)
 *                                     "<ns>\0<id>\0m"       serialized metadata
 *                                     "<ns>\0<id>\0p"       parent checkpoint id ("" for none)
 *                                     "<ns>\0<id>\0v"       "<channel>\0<version>\0..." for the scripts
 *   <prefix>cp:{<thread>}:idx   ZSET  "<ns>\0<id>" at score 0; lexicographic order = time order (uuid6 ids)
 *   <prefix>cp:{<thread>}:ns    SET   checkpoint namespaces used by the thread
 *   <prefix>cp:{<thread>}:blob  HASH  "<ns>\0<channel>\0<version>" -> "v<type>\0<bytes>" | "l<segment>:<length>"
 *   <prefix>cp:{<thread>}:wr    HASH  "<ns>\0<id>\0<task>\0<idx>" -> "<channel>\0<task path>\0<type>\0<bytes>"
 *   <prefix>cp:{<thread>}:wi    ZSET  the same members as wr's fields, for range reads per checkpoint
 *   <prefix>cp:{<thread>}:seg   HASH  "<segment>" -> "<base segment>|<base length>|<length>"; "#" = id counter
 *   <prefix>cp:{<thread>}:el    HASH  "<segment>:<index>" -> "<16-hex cumulative hash><type>\0<bytes>"
 *   <prefix>cp:{<thread>}:lease STRING "<fencing token>:<holder>" with a TTL: who may write the thread now
 *   <prefix>cp:{<thread>}:fence STRING counter issuing fencing tokens (never expires with the data)
 *   <prefix>cp:threads          SET   thread ids, for list() across threads (never on a hot path)
 *
 * List-valued channels (messages) are stored once per element in append-only segments: a
 * version that extends the previous one appends to its segment and is stored as a length;
 * a version that rewrites history starts a new segment that shares the common prefix of
 * its base. The cumulative hash of each element lets a writer prove, atomically, that the
 * prefix it shares is the one stored.
 */
import { InvalidInputError } from "../../lib/errors.js";
import { hashTag } from "../../lib/redis-hash-tag.js";

/** Separator inside hash fields and sorted-set members; ids and namespaces never contain it. */
export const SEP = "\u0000";

/** Names of a thread's keys, in the order the scripts receive them as KEYS[1..8]. */
export const THREAD_KEY_SUFFIXES = ["ckpt", "idx", "ns", "blob", "wr", "wi", "seg", "el"] as const;

/** Threads whose script keys are remembered; a put builds nine keys and a hash tag otherwise. */
const SCRIPT_KEYS_LIMIT = 10_000;

/** Builds the keys of one saver (one key prefix). */
export class SaverKeys {
  private readonly scriptKeys = new Map<string, readonly string[]>();

  constructor(private readonly prefix: string) {}

  /** The eight keys of a thread, all in the thread's hash slot. */
  thread(threadId: string): string[] {
    return this.withLease(threadId).slice(0, THREAD_KEY_SUFFIXES.length);
  }

  /** The eight keys then the lease key: KEYS of the write scripts; remembered per thread, never to be mutated. */
  withLease(threadId: string): readonly string[] {
    let keys = this.scriptKeys.get(threadId);
    if (keys) return keys;
    const base = `${this.prefix}cp:{${hashTag(threadId)}}:`;
    keys = Object.freeze([...THREAD_KEY_SUFFIXES.map((suffix) => base + suffix), `${base}lease`]);
    if (this.scriptKeys.size >= SCRIPT_KEYS_LIMIT) this.scriptKeys.clear();
    this.scriptKeys.set(threadId, keys);
    return keys;
  }

  /** The thread's lease and fencing-token counter (same slot as its data, so writes can check the lease atomically). */
  lease(threadId: string): { lease: string; fence: string } {
    const base = `${this.prefix}cp:{${hashTag(threadId)}}:`;
    return { lease: `${base}lease`, fence: `${base}fence` };
  }

  /** The registry of thread ids (read only by list() without a thread). */
  threads(): string {
    return `${this.prefix}cp:threads`;
  }
}

/** Rejects identifiers the key layout cannot hold, naming the field. */
export function assertStorableId(field: string, value: unknown, options: { allowEmpty?: boolean } = {}): string {
  if (typeof value !== "string" && typeof value !== "number") {
    throw new InvalidInputError(`RedisSaver: configurable.${field} must be a string, got ${value === null ? "null" : typeof value}.`);
  }
  const text = String(value);
  if (text === "" && !options.allowEmpty) {
    throw new InvalidInputError(`RedisSaver: configurable.${field} must not be empty.`);
  }
  if (text.includes(SEP) || text.includes("\u0001")) {
    throw new InvalidInputError(`RedisSaver: configurable.${field} must not contain control characters U+0000 or U+0001.`);
  }
  return text;
}
