/**
 * Helpers for the scale-out tests: waiting for a condition, and cleaning a queue's keys.
 */
import { connectRedis } from "../../lib/redis.js";
import { queuePrefixFor } from "../../server/queue/bullmq-run-queue.js";
import { deleteByPrefix, testRedisUrl } from "./redis.js";

/** Retries `check` until it stops throwing (or `timeoutMs` passes, then rethrows its last error). */
export async function eventually<T>(check: () => T | Promise<T>, timeoutMs = 15_000, everyMs = 50): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, everyMs));
    }
  }
}

/** Deletes the keys of the run queue of a Switchboard key prefix (and the prefix's own keys). */
export async function cleanQueuePrefix(keyPrefix: string, url = testRedisUrl()): Promise<void> {
  const redis = await connectRedis({ url });
  try {
    await deleteByPrefix(redis, queuePrefixFor(keyPrefix));
    await deleteByPrefix(redis, keyPrefix);
  } finally {
    await redis.close();
  }
}
