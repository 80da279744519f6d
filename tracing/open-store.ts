/**
 * The trace store chosen from configuration, so the CLI and the server agree: Redis (with
 * REDIS_KEY_PREFIX and TRACE_RETENTION_HOURS) when Redis is configured, else memory.
 */
import type { Env } from "../lib/env.js";
import type { Logger } from "../lib/logger.js";
import { openRedis, type RedisConnection } from "../lib/redis.js";
import type { TraceStore } from "./trace.js";
import { MemoryTraceStore, RedisTraceStore } from "./trace-store.js";

/** A trace store on `redis` (a connection the caller owns) or, without one, on REDIS_* settings or memory. */
export async function openTraceStore(env: Env, options: { redis?: RedisConnection; logger?: Logger } = {}): Promise<TraceStore> {
  const retention = { retentionHours: env.TRACE_RETENTION_HOURS };
  if (options.redis) return new RedisTraceStore(options.redis, env.REDIS_KEY_PREFIX, retention);
  const connection = await openRedis(env.redis, { name: "switchboard-traces", ...(options.logger ? { logger: options.logger } : {}) });
  if (!connection) return new MemoryTraceStore(retention);
  return new RedisTraceStore(connection, env.REDIS_KEY_PREFIX, retention, async () => {
    await connection.close();
  });
}
