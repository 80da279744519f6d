/**
 * Cron storage: in memory, or in Redis as one JSON string per cron and an index of ids by
 * creation time. (A tick fires once because its run is created once per id: keys.ts `once:`.)
 *
 *   <p>srv:crons                  ZSET  cron ids by creation time
 *   <p>srv:cron:<id>              STRING cron JSON
 */
import type { RedisConnection } from "../../lib/redis.js";
import type { CronRecord, CronStorage } from "./types.js";

const clone = <T>(value: T): T => structuredClone(value);

/** Crons in this process's memory. */
export function createMemoryCronStorage(): CronStorage {
  const crons = new Map<string, CronRecord>();
  return {
    put: async (record) => void crons.set(record.cron_id, clone(record)),
    get: async (id) => (crons.has(id) ? clone(crons.get(id)!) : undefined),
    list: async () => [...crons.values()].map(clone),
    delete: async (id) => void crons.delete(id),
  };
}

/** Crons in Redis under `keyPrefix`. */
export function createRedisCronStorage(redis: RedisConnection, keyPrefix: string): CronStorage {
  const index = `${keyPrefix}srv:crons`;
  const key = (id: string) => `${keyPrefix}srv:cron:${id}`;
  return {
    async put(record) {
      await Promise.all([redis.set(key(record.cron_id), JSON.stringify(record)), redis.zAdd(index, { score: Date.parse(record.created_at), value: record.cron_id })]);
    },
    async get(id) {
      const json = await redis.get(key(id));
      return typeof json === "string" ? (JSON.parse(json) as CronRecord) : undefined;
    },
    async list() {
      const ids = (await redis.zRange(index, 0, -1)) as string[];
      const docs = await Promise.all(ids.map((id) => redis.get(key(id))));
      return docs.filter((doc): doc is string => typeof doc === "string").map((doc) => JSON.parse(doc) as CronRecord);
    },
    async delete(id) {
      await Promise.all([redis.del(key(id)), redis.zRem(index, id)]);
    },
  };
}
