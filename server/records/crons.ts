/**
 * Cron storage: in memory, or in Redis as one JSON string per cron, an index of ids by creation
 * time, and one short-lived key per fired tick (SET NX: the first process to fire a tick wins).
 *
 *   <p>srv:crons                  ZSET  cron ids by creation time
 *   <p>srv:cron:<id>              STRING cron JSON
 *   <p>srv:cron:<id>:tick:<tick>  STRING fired marker, expires after a day
 */
import type { RedisConnection } from "../../lib/redis.js";
import type { CronRecord, CronStorage } from "./types.js";

const TICK_MARKER_SECONDS = 24 * 3600;
const clone = <T>(value: T): T => structuredClone(value);

/** Crons in this process's memory. */
export function createMemoryCronStorage(): CronStorage {
  const crons = new Map<string, CronRecord>();
  const ticks = new Set<string>();
  return {
    put: async (record) => void crons.set(record.cron_id, clone(record)),
    get: async (id) => (crons.has(id) ? clone(crons.get(id)!) : undefined),
    list: async () => [...crons.values()].map(clone),
    delete: async (id) => void crons.delete(id),
    async claimTick(id, tick) {
      const key = `${id}:${tick}`;
      if (ticks.has(key)) return false;
      ticks.add(key);
      return true;
    },
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
    async claimTick(id, tick) {
      return (await redis.set(`${key(id)}:tick:${tick}`, "1", { NX: true, EX: TICK_MARKER_SECONDS })) === "OK";
    },
  };
}
