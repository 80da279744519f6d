/**
 * A set of ids each due at a time, claimed once when due: thread TTLs use it. In Redis a sorted
 * set (score = due time in ms) where a claim is a ZREM, so among any number of processes sweeping
 * at once exactly one gets each due id; in memory a map.
 */
import type { RedisConnection } from "../../lib/redis.js";

/** Ids due at a time, each claimed by one sweeper. */
export interface DueSet {
  /** (Re)schedules `id` at `dueMs` (epoch ms). */
  schedule(id: string, dueMs: number): Promise<void>;
  /** Forgets `id`. */
  remove(id: string): Promise<void>;
  /** Ids due by `nowMs` that this caller won (at most `limit`); no other caller gets them. */
  claimDue(nowMs: number, limit: number): Promise<string[]>;
}

/** A DueSet in this process's memory. */
export function createMemoryDueSet(): DueSet {
  const due = new Map<string, number>();
  return {
    schedule: async (id, dueMs) => void due.set(id, dueMs),
    remove: async (id) => void due.delete(id),
    async claimDue(nowMs, limit) {
      const claimed = [...due].filter(([, at]) => at <= nowMs).slice(0, limit).map(([id]) => id);
      for (const id of claimed) due.delete(id);
      return claimed;
    },
  };
}

/** A DueSet in one Redis sorted set. */
export function createRedisDueSet(redis: RedisConnection, key: string): DueSet {
  return {
    schedule: async (id, dueMs) => void (await redis.zAdd(key, { score: dueMs, value: id })),
    remove: async (id) => void (await redis.zRem(key, id)),
    async claimDue(nowMs, limit) {
      const candidates = (await redis.zRangeByScore(key, 0, nowMs, { LIMIT: { offset: 0, count: limit } })) as string[];
      const won = await Promise.all(candidates.map(async (id) => ((await redis.zRem(key, id)) === 1 ? id : undefined)));
      return won.filter((id): id is string => id !== undefined);
    },
  };
}
