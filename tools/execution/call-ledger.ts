/**
 * The idempotency ledger of side-effecting tool calls. When a run is resumed after a crash, the
 * node that was executing runs again from the top; a webhook that had already been delivered must
 * not be delivered twice. Around each external side effect the executor records "started" and
 * then the result, keyed by the call's idempotency key (thread + checkpoint + tool call id); a
 * re-run finds the result and answers the model with it instead of calling again.
 *
 * A call interrupted between its side effect and the record (the crash hit mid-call) is run again
 * with the same `Idempotency-Key`, so a receiver that honours the header still sees it once.
 */
import type { LeaseFence } from "../../lib/contracts/execution.js";
import type { RedisConnection } from "../../lib/redis.js";
import { hashTag } from "../../lib/redis-hash-tag.js";
import { RedisScript, runScript } from "../../lib/redis-scripts.js";

/** A call's recorded outcome, as the model saw it. */
export interface RecordedToolCall {
  content: string;
  status: "success" | "error";
}

/** What the ledger knows about a call before it runs. */
export type LedgerEntry = { state: "done"; result: RecordedToolCall } | { state: "started" } | undefined;

/** Records side-effecting tool calls so a re-run step does not repeat them. */
export interface ToolCallLedger {
  /** Marks `key` as started and returns what an earlier attempt left (a result, or only "started"). */
  begin(key: string, threadId: string): Promise<LedgerEntry>;
  /** Stores the outcome of `key`. */
  complete(key: string, threadId: string, result: RecordedToolCall): Promise<void>;
}

/** `configurable` key under which a worker hands a run's ledger to the executor (objects stay in process). */
export const TOOL_LEDGER_CONFIG_KEY = "__switchboard_tool_ledger";

/** The ledger a worker put in a run's `configurable`, if any. */
export function ledgerOf(configurable: Record<string, unknown> | undefined): ToolCallLedger | undefined {
  const value = configurable?.[TOOL_LEDGER_CONFIG_KEY] as Partial<ToolCallLedger> | undefined;
  return value && typeof value.begin === "function" && typeof value.complete === "function" ? (value as ToolCallLedger) : undefined;
}

// One round trip: refuse a worker that no longer holds the run's thread lease (a stale worker
// must not perform side effects once another took the run over), then return the earlier entry,
// or mark the call started if there is none. KEYS: record[, lease]; ARGV: ttl, what the lease
// holds while it is ours ('' = unfenced).
const BEGIN = new RedisScript("beginToolCall", `
if ARGV[2] ~= '' then
  local lease = redis.call('GET', KEYS[2])
  if not lease or string.sub(lease, 1, #ARGV[2]) ~= ARGV[2] then
    return redis.error_reply('FENCED ' .. KEYS[2] .. ' no longer holds ' .. ARGV[2] .. ' (now: ' .. (lease or 'nobody') .. ')')
  end
end
local value = redis.call('GET', KEYS[1])
if value then return value end
redis.call('SET', KEYS[1], 'started', 'PX', ARGV[1])
return false
`);

/** Options of the Redis ledger. */
export interface RedisCallLedgerOptions {
  keyPrefix?: string;
  /** How long a record is kept (default 7 days: longer than any run is resumed after). */
  ttlMs?: number;
  /** The run's thread lease (the checkpointer's `fence(lease)`): calls are refused once it is lost. */
  fence?: LeaseFence;
}

/**
 * A ledger in Redis. Keys: `<prefix>tool:{<thread>}:<idempotency key>`; the thread's hash tag
 * (lib/redis-hash-tag.ts) keeps a thread's records in the slot of its checkpoints and lease.
 */
export function createRedisCallLedger(redis: RedisConnection, options: RedisCallLedgerOptions = {}): ToolCallLedger {
  const prefix = options.keyPrefix ?? "sb:";
  const ttl = String(options.ttlMs ?? 7 * 24 * 3600 * 1000);
  const keyOf = (key: string, threadId: string) => `${prefix}tool:{${hashTag(threadId)}}:${key}`;
  const fence = options.fence;
  return {
    async begin(key, threadId) {
      const keys = fence ? [keyOf(key, threadId), fence.key] : [keyOf(key, threadId)];
      const value = await runScript(redis, BEGIN, keys, [ttl, fence ? fence.holds : ""]);
      if (value === null || value === undefined || value === "started") return value === "started" ? { state: "started" } : undefined;
      return { state: "done", result: JSON.parse(String(value)) as RecordedToolCall };
    },
    async complete(key, threadId, result) {
      await redis.set(keyOf(key, threadId), JSON.stringify(result), { PX: Number(ttl) });
    },
  };
}

/** An in-process ledger (tests, embedded mode). */
export function createMemoryCallLedger(): ToolCallLedger & { readonly entries: ReadonlyMap<string, string> } {
  const entries = new Map<string, string>();
  return {
    entries,
    async begin(key, threadId) {
      const value = entries.get(`${threadId}:${key}`);
      if (value === undefined) {
        entries.set(`${threadId}:${key}`, "started");
        return undefined;
      }
      return value === "started" ? { state: "started" } : { state: "done", result: JSON.parse(value) as RecordedToolCall };
    },
    async complete(key, threadId, result) {
      entries.set(`${threadId}:${key}`, JSON.stringify(result));
    },
  };
}
