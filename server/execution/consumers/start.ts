/**
 * Starts consuming runs in this process (an API process's in-process workers, or `npm run
 * worker`): the same RunHandler as the API, wrapped with the fenced thread lease, and with the
 * tool-call ledger handed to every run so a resumed step does not repeat a side effect. Fencing
 * is asked of the checkpointer (`FencedCheckpointing`); the server knows nothing of its keys.
 */
import type { BaseCheckpointSaver } from "@langchain/langgraph-checkpoint";
import type { Env } from "../../../lib/env.js";
import { ConfigError } from "../../../lib/errors.js";
import type { Logger } from "../../../lib/logger.js";
import type { RedisConnection } from "../../../lib/redis.js";
import { createRedisCallLedger, TOOL_LEDGER_CONFIG_KEY } from "../../../tools/index.js";
import { isDistributed } from "../queue/index.js";
import { hasFencing, type RunHandler, type RunQueue } from "../../../lib/contracts/execution.js";
import { withThreadLease } from "./thread-lease.js";

/** What a process's workers report to /health and /ready. */
export interface WorkerState {
  /** Runs this process may execute at a time (0 = none). */
  concurrency: number;
  /** Whether this process is taking runs from the queue. */
  consuming(): boolean;
  /** Runs executing in this process now. */
  active(): number;
  /** Stops taking runs; with `drain`, lets in-flight runs finish up to `timeoutMs`, then hands them back. */
  close(options?: { drain?: boolean; timeoutMs?: number }): Promise<void>;
}

/** Starts `concurrency` run slots on `queue` with the durable wrappers when the queue is distributed. */
export async function startRunWorkers(options: {
  env: Pick<Env, "REDIS_KEY_PREFIX" | "RUN_LEASE_MS">;
  /** The process's Redis connection (the runtime's; its owner closes it); needed by a distributed queue. */
  redis: RedisConnection | undefined;
  queue: RunQueue;
  handler: RunHandler;
  /** The graphs' checkpointer; with a distributed queue it must offer fencing (RedisSaver does). */
  checkpointer: BaseCheckpointSaver;
  concurrency: number;
  logger: Logger;
}): Promise<WorkerState> {
  const { env, queue, logger, concurrency } = options;
  if (concurrency <= 0) return idleWorkers(queue);
  if (!isDistributed(queue)) {
    // Embedded mode: one process, no other writer to fence against.
    await queue.startWorker(options.handler, { concurrency });
    return { concurrency, consuming: () => true, active: () => 0, close: (closeOptions) => queue.close(closeOptions) };
  }
  const checkpointing = options.checkpointer;
  if (!hasFencing(checkpointing)) {
    throw new ConfigError("Runs from the Redis queue need a checkpointer that fences writes by thread lease (RedisSaver); the configured one does not.", { setting: "REDIS_URL" });
  }
  const { redis } = options;
  if (!redis) throw new ConfigError("startRunWorkers needs `redis` (the runtime's connection) to take runs from the Redis queue.");
  const handler = withThreadLease(options.handler, {
    checkpointing,
    workerId: queue.workerId,
    ttlMs: env.RUN_LEASE_MS,
    // Stateless runs (no lease) get a plain ledger; leased runs one that refuses side effects once the lease is lost.
    configurable: { [TOOL_LEDGER_CONFIG_KEY]: createRedisCallLedger(redis, { keyPrefix: env.REDIS_KEY_PREFIX }) },
    leasedConfigurable: (lease) => ({
      [TOOL_LEDGER_CONFIG_KEY]: createRedisCallLedger(redis, { keyPrefix: env.REDIS_KEY_PREFIX, fence: checkpointing.fence(lease) }),
    }),
    logger,
  });
  await queue.startWorker(handler, { concurrency });
  logger.info({ worker: queue.workerId, concurrency }, "taking runs from the queue");
  return {
    concurrency,
    consuming: () => queue.consuming,
    active: () => queue.activeCount,
    async close(closeOptions) {
      await queue.close(closeOptions);
    },
  };
}

function idleWorkers(queue: RunQueue): WorkerState {
  return { concurrency: 0, consuming: () => false, active: () => 0, close: (options) => queue.close(options) };
}
