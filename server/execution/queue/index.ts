/**
 * Picks the run queue of a process: BullMQ on Redis whenever Redis is configured (so any API
 * process can hand a run to any worker process), the in-process queue otherwise (embedded mode).
 */
import type { Env } from "../../../lib/env.js";
import type { Logger } from "../../../lib/logger.js";
import type { RunJob, RunQueue } from "../../../lib/contracts/execution.js";
import { BullMqRunQueue, queuePrefixFor, type BullMqRunQueueOptions } from "./bullmq-run-queue.js";
import { cronQueuePrefixFor } from "./cron-scheduler.js";
import { webhookQueuePrefixFor } from "./webhook-queue.js";

export { BullMqRunQueue, queuePrefixFor, type BullMqRunQueueOptions } from "./bullmq-run-queue.js";
export { RunDeferredError } from "./deferral.js";
export { BullMqCronScheduler, cronQueuePrefixFor } from "./cron-scheduler.js";
export { BullMqWebhookQueue, webhookQueuePrefixFor } from "./webhook-queue.js";

/** The environment variables the queue reads. */
export type QueueEnv = Pick<Env, "redis" | "REDIS_KEY_PREFIX" | "RUN_LEASE_MS" | "RUN_MAX_TAKEOVERS">;

/** The Redis-backed queue for `env`, or undefined when Redis is not configured. */
export function createRedisRunQueue(
  env: QueueEnv,
  options: Pick<BullMqRunQueueOptions, "logger" | "onAbandoned" | "onDeadLetter" | "onLocalRun" | "onQueued" | "onRequeued" | "localFastPath"> = {},
): BullMqRunQueue | undefined {
  if (!env.redis) return undefined;
  return new BullMqRunQueue({
    ...env.redis,
    keyPrefix: env.REDIS_KEY_PREFIX,
    lockDurationMs: env.RUN_LEASE_MS,
    maxTakeovers: env.RUN_MAX_TAKEOVERS,
    ...options,
  });
}

/** Whether a queue hands runs to other processes (and so needs leases and the ledger around its handler). */
export function isDistributed(queue: RunQueue): queue is BullMqRunQueue {
  return queue instanceof BullMqRunQueue;
}

/** Every BullMQ prefix a Switchboard key prefix owns (runs, crons, webhooks): what a clean-up deletes. */
export function queuePrefixesFor(keyPrefix: string): string[] {
  return [queuePrefixFor(keyPrefix), cronQueuePrefixFor(keyPrefix), webhookQueuePrefixFor(keyPrefix)];
}
