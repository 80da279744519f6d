/**
 * Thread leases with fencing tokens: at most one holder (a worker running a run) may write a
 * thread at a time. Each acquisition gets a larger token; writes through `RedisSaver.fenced(lease)`
 * are refused once the lease has expired or moved to another holder, so a paused or
 * partitioned worker cannot write after losing its run.
 *
 * The lease lives in the thread's slot (keys.ts), next to the data it guards. Its value is
 * `<token>:<holder>`; the saver's scripts (lua.ts `assertFence`) and `RedisSaver.fence` rely on it.
 */
import type { ThreadLease, ThreadLeasing } from "../../lib/contracts/execution.js";
import type { RedisConnection } from "../../lib/redis.js";
import { RedisScript, runScript } from "../../lib/redis-scripts.js";
import { assertStorableId, type SaverKeys } from "./keys.js";

const ACQUIRE = new RedisScript("acquireLease", `
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

const RENEW = new RedisScript("renewLease", `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0
`);

const RELEASE = new RedisScript("releaseLease", `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`);

/** Acquires, renews and releases thread leases (a RedisSaver's `leases`). */
export class ThreadLeases implements ThreadLeasing {
  constructor(
    private readonly connection: RedisConnection,
    private readonly keys: SaverKeys,
  ) {}

  /** Takes the thread's lease for `holder` (or extends it if `holder` has it); undefined while someone else holds it. */
  async acquire(threadId: string, holder: string, ttlMs: number): Promise<ThreadLease | undefined> {
    const { lease, fence } = this.keys.lease(assertStorableId("thread_id", threadId));
    const [token] = (await runScript(this.connection, ACQUIRE, [lease, fence], [holder, String(ttlMs)])) as [number, string];
    return token > 0 ? { threadId, holder, token: Number(token) } : undefined;
  }

  /** Extends a lease; false when it was lost (expired, or taken by another holder). */
  async renew(held: ThreadLease, ttlMs: number): Promise<boolean> {
    const { lease } = this.keys.lease(held.threadId);
    return Number(await runScript(this.connection, RENEW, [lease], [`${held.token}:${held.holder}`, String(ttlMs)])) === 1;
  }

  /** Gives a lease up; false when it was already lost (then it is left to its new holder). */
  async release(held: ThreadLease): Promise<boolean> {
    const { lease } = this.keys.lease(held.threadId);
    return Number(await runScript(this.connection, RELEASE, [lease], [`${held.token}:${held.holder}`])) === 1;
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
