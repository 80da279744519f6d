/**
 * Helpers for the scale-out tests: waiting for a condition, cleaning a queue's keys, a run
 * handler the test controls.
 */
import { connectRedis } from "../../lib/redis.js";
import { queuePrefixesFor } from "../../server/execution/queue/index.js";
import type { RunHandler, RunJobContext } from "../../lib/contracts/execution.js";
import { deleteByPrefix, keysUnder, testRedisUrl } from "./redis.js";

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

/** Polls `check` until it answers true (every `everyMs`, at most `tries` times); fails naming `what`. */
export async function waitUntil(check: () => boolean | Promise<boolean>, what: string, options: { tries?: number; everyMs?: number } = {}): Promise<void> {
  const { tries = 400, everyMs = 25 } = options;
  for (let i = 0; i < tries; i++) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** Deletes the keys of the run, cron and webhook queues of a Switchboard key prefix (and the prefix's own keys). */
export async function cleanQueuePrefix(keyPrefix: string, url = testRedisUrl()): Promise<void> {
  const redis = await connectRedis({ url });
  const prefixes = [...queuePrefixesFor(keyPrefix), keyPrefix];
  try {
    for (const prefix of prefixes) await deleteByPrefix(redis, prefix);
    // A second pass a moment later: once a CI run was left with one killed-server test's keys
    // (cause not found); whatever a late writer added is deleted, and named so the log shows it.
    await new Promise((resolve) => setTimeout(resolve, 250));
    const late = (await Promise.all(prefixes.map((prefix) => keysUnder(redis, prefix)))).flat();
    if (late.length > 0) {
      process.stderr.write(`cleanQueuePrefix: ${late.length} keys appeared after the first clean-up of ${keyPrefix}: ${late.slice(0, 20).join(", ")}\n`);
      for (const prefix of prefixes) await deleteByPrefix(redis, prefix);
    }
  } finally {
    await redis.close();
  }
}

/** A run handler that holds each run until released or aborted, recording what it saw (queue tests). */
export function controllableHandler(): {
  handler: RunHandler;
  seen: { runId: string; attempt: number; context: RunJobContext }[];
  release(runId: string): void;
} {
  const seen: { runId: string; attempt: number; context: RunJobContext }[] = [];
  const releases = new Map<string, () => void>();
  const handler: RunHandler = async (job, context) => {
    seen.push({ runId: job.runId, attempt: context.attempt, context });
    await new Promise<void>((resolve) => {
      if (context.signal.aborted) return resolve();
      releases.set(job.runId, resolve);
      context.signal.addEventListener("abort", () => resolve(), { once: true });
    });
    return context.signal.aborted ? "interrupted" : "success";
  };
  return { handler, seen, release: (runId) => releases.get(runId)?.() };
}
