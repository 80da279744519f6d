/**
 * Thread leases with fencing tokens: at most one holder (a worker running a run) may write a
 * thread at a time. Each acquisition gets a larger token; RedisSaver writes carrying a token
 * (FENCE_CONFIG_KEY) are refused once the lease has expired or moved to another holder, so a
 * paused or partitioned worker cannot write after losing its run.
 *
 * The lease lives in the thread's slot (keys.ts), next to the data it guards.
 */
import type { RedisConnection } from "../../lib/redis.js";
import { SaverKeys, assertStorableId } from "./keys.js";
import { LuaScript, evalScript } from "./script-runner.js";

const ACQUIRE = new LuaScript(`
local current = redis.call('GET', KEYS[1])
if current then
  local cut = string.find(current, ':', 1, true)
  if string.sub(current, cut + 1) ~= ARGV[1] then return { 0, string.sub(current, cut + 1) } end
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return { tonumber(string.sub(current, 1, cut - 1)), ARGV[1] }
end
local token = redis.call('INCR', KEYS[2])
redis.call('SET', KEYS[1], token .. ':' .. ARGV[1], 'PX', ARGV[2])
return { token, ARGV[1] }
`);

const RENEW = new LuaScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0
`);

const RELEASE = new LuaScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`);

/** A held lease: pass `token` as the run's fencing token. */
export interface ThreadLease {
  threadId: string;
  holder: string;
  token: number;
}

/** Acquires, renews and releases thread leases. */
export class ThreadLeases {
  private readonly keys: SaverKeys;

  constructor(
    private readonly connection: RedisConnection,
    options: { keyPrefix?: string } = {},
  ) {
    this.keys = new SaverKeys(options.keyPrefix ?? "sb:");
  }

  /** Takes the thread's lease for `holder` (or extends it if `holder` has it); undefined while someone else holds it. */
  async acquire(threadId: string, holder: string, ttlMs: number): Promise<ThreadLease | undefined> {
    const { lease, fence } = this.keys.lease(assertStorableId("thread_id", threadId));
    const [token] = (await evalScript(this.connection, ACQUIRE, [lease, fence], [holder, String(ttlMs)])) as [number, string];
    return token > 0 ? { threadId, holder, token: Number(token) } : undefined;
  }

  /** Extends a lease; false when it was lost (expired, or taken by another holder). */
  async renew(held: ThreadLease, ttlMs: number): Promise<boolean> {
    const { lease } = this.keys.lease(held.threadId);
    return Number(await evalScript(this.connection, RENEW, [lease], [`${held.token}:${held.holder}`, String(ttlMs)])) === 1;
  }

  /** Gives a lease up; false when it was already lost (then it is left to its new holder). */
  async release(held: ThreadLease): Promise<boolean> {
    const { lease } = this.keys.lease(held.threadId);
    return Number(await evalScript(this.connection, RELEASE, [lease], [`${held.token}:${held.holder}`])) === 1;
  }

  /** Who holds the thread now, if anyone. */
  async holder(threadId: string): Promise<{ holder: string; token: number } | undefined> {
    const value = await this.connection.get(this.keys.lease(assertStorableId("thread_id", threadId)).lease);
    if (!value) return undefined;
    const text = String(value);
    const cut = text.indexOf(":");
    return { token: Number(text.slice(0, cut)), holder: text.slice(cut + 1) };
  }
}
