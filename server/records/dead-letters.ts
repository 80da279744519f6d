/**
 * The dead-letter list: runs given up because they kept taking their workers down (more takeovers
 * than RUN_MAX_TAKEOVERS) or kept failing on infrastructure. Each entry says why; an operator
 * lists, inspects, retries or discards them through /runs/dead_letters. Nothing leaves the list
 * by itself, and nothing on it is retried unless someone asks.
 *
 *   <p>srv:deadletters   HASH  run id → entry JSON (one key: the list is small and read whole)
 */
import type { RedisConnection } from "../../lib/redis.js";

/** One dead-lettered run. */
export interface DeadLetter {
  run_id: string;
  /** The run's thread (a stateless run's temporary thread has the run's id). */
  thread_id: string;
  owner: string;
  graph_id: string | null;
  /** Why the run was given up, in words an operator can act on. */
  reason: string;
  /** Times the run was taken over after its worker stopped before it was given up. */
  takeovers: number;
  dead_lettered_at: string;
}

/** Where dead letters are kept. */
export interface DeadLetterStorage {
  /** Adds (or replaces) the entry of a run. */
  add(entry: DeadLetter): Promise<void>;
  get(runId: string): Promise<DeadLetter | undefined>;
  /** Every entry, oldest first. */
  list(): Promise<DeadLetter[]>;
  /** Removes a run's entry; false when it had none. */
  remove(runId: string): Promise<boolean>;
  /** How many runs are on the list (for /metrics). */
  count(): Promise<number>;
}

const byAge = (a: DeadLetter, b: DeadLetter) => a.dead_lettered_at.localeCompare(b.dead_lettered_at);

/** The list in one Redis hash under `key`. */
export function redisDeadLetters(redis: RedisConnection, key: string): DeadLetterStorage {
  return {
    async add(entry) {
      await redis.hSet(key, entry.run_id, JSON.stringify(entry));
    },
    async get(runId) {
      const json = await redis.hGet(key, runId);
      return json ? (JSON.parse(String(json)) as DeadLetter) : undefined;
    },
    async list() {
      const all = (await redis.hGetAll(key)) as Record<string, string>;
      return Object.values(all).map((json) => JSON.parse(json) as DeadLetter).sort(byAge);
    },
    async remove(runId) {
      return Number(await redis.hDel(key, runId)) > 0;
    },
    async count() {
      return Number(await redis.hLen(key));
    },
  };
}

/** The list in memory (embedded mode: no takeovers happen, but retries can still be exhausted). */
export function memoryDeadLetters(): DeadLetterStorage {
  const entries = new Map<string, DeadLetter>();
  return {
    add: async (entry) => void entries.set(entry.run_id, structuredClone(entry)),
    get: async (runId) => (entries.has(runId) ? structuredClone(entries.get(runId)!) : undefined),
    list: async () => [...entries.values()].map((entry) => structuredClone(entry)).sort(byAge),
    remove: async (runId) => entries.delete(runId),
    count: async () => entries.size,
  };
}
