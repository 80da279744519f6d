/**
 * How many bytes a thread occupies in each backend, measured the way each stores it:
 * serialized bytes for MemorySaver, row sizes (after TOAST compression) for PostgreSQL,
 * MEMORY USAGE of the thread's keys for Redis.
 */
import type { BaseCheckpointSaver } from "@langchain/langgraph";
import type { MemorySaver } from "@langchain/langgraph";
import type { RedisConnection } from "../lib/redis.js";

/** A saver in the benchmark, with what is needed to measure and clean up after it. */
export interface SaverUnderTest {
  name: string;
  kind: "memory" | "postgres" | "redis";
  saver: BaseCheckpointSaver;
  schema?: string;
  prefix?: string;
  close(): Promise<void>;
}

/** Bytes stored for one thread. */
export async function storedBytes(s: SaverUnderTest, threadId: string): Promise<number> {
  if (s.kind === "memory") return memoryBytes(s.saver as MemorySaver, threadId);
  if (s.kind === "postgres") return postgresBytes(s, threadId);
  return redisBytes(s, threadId);
}

function memoryBytes(saver: MemorySaver, threadId: string): number {
  let total = 0;
  for (const byNs of Object.values(saver.storage[threadId] ?? {})) {
    for (const [checkpoint, metadata] of Object.values(byNs)) total += checkpoint.length + metadata.length;
  }
  for (const [key, writes] of Object.entries(saver.writes)) {
    if (JSON.parse(key)[0] !== threadId) continue;
    for (const [, channel, value] of Object.values(writes)) total += channel.length + value.length;
  }
  return total;
}

async function postgresBytes(s: SaverUnderTest, threadId: string): Promise<number> {
  const pool = (s.saver as unknown as { pool: { query(sql: string, params: unknown[]): Promise<{ rows: { bytes: string | null }[] }> } }).pool;
  let total = 0;
  for (const table of ["checkpoints", "checkpoint_blobs", "checkpoint_writes"]) {
    const result = await pool.query(`SELECT sum(pg_column_size(t.*)) AS bytes FROM ${s.schema}.${table} t WHERE thread_id = $1`, [threadId]);
    total += Number(result.rows[0]?.bytes ?? 0);
  }
  return total;
}

async function redisBytes(s: SaverUnderTest, threadId: string): Promise<number> {
  const redis = (s.saver as unknown as { connection: RedisConnection }).connection;
  const keys = (s.saver as unknown as { keys: { thread(id: string): string[] } }).keys.thread(threadId);
  let total = 0;
  for (const key of keys) total += Number((await redis.memoryUsage(key, { SAMPLES: 0 })) ?? 0);
  return total;
}
