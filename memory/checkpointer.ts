/**
 * The one place that picks the checkpointer from configuration, so the CLI, the server and
 * workers agree: RedisSaver when Redis is configured, else an embedded in-memory saver
 * (and the caller says so, because nothing survives a restart).
 */
import { MemorySaver, type BaseCheckpointSaver } from "@langchain/langgraph-checkpoint";
import type { Env } from "../lib/env.js";
import type { Logger } from "../lib/logger.js";
import { describeRedis, openRedis, type RedisConnection } from "../lib/redis.js";
import { RedisSaver } from "./redis-saver/saver.js";

/** A checkpointer chosen from configuration, with what the caller should tell the user. */
export interface ConfiguredCheckpointer {
  saver: BaseCheckpointSaver;
  /** Whether checkpoints survive a restart of this process. */
  durable: boolean;
  /** One line saying where checkpoints go, for start-up messages. */
  description: string;
  /** Closes the connection the saver opened (no-op for the in-memory saver). */
  close(): Promise<void>;
}

/**
 * RedisSaver (with REDIS_KEY_PREFIX and CHECKPOINT_TTL_MINUTES) when Redis is configured, else
 * MemorySaver. On `options.redis`, the process's shared connection, which `close()` leaves to its
 * owner; without it, on a connection of its own.
 */
export async function createCheckpointer(env: Env, logger?: Logger, options: { redis?: RedisConnection } = {}): Promise<ConfiguredCheckpointer> {
  const connection = options.redis ?? (await openRedis(env.redis, { name: "switchboard-saver", ...(logger ? { logger } : {}) }));
  if (!connection) {
    return {
      saver: new MemorySaver(),
      durable: false,
      description: "embedded in-memory checkpoints (set REDIS_URL to keep threads across restarts)",
      close: async () => {},
    };
  }
  const saver = new RedisSaver(connection, {
    keyPrefix: env.REDIS_KEY_PREFIX,
    ...(env.CHECKPOINT_TTL_MINUTES ? { defaultTTL: env.CHECKPOINT_TTL_MINUTES } : {}),
    ...(logger ? { logger } : {}),
  });
  await saver.setup();
  return {
    saver,
    durable: true,
    description: `Redis checkpoints at ${env.redis ? describeRedis(env.redis) : "the given connection"}`,
    close: options.redis ? async () => {} : () => saver.end(),
  };
}
