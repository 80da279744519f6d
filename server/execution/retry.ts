/**
 * Work that must happen once Redis answers again (queueing a thread's next run after the current
 * one ended): tried now, then retried in the background with growing delays for a few minutes,
 * so a short outage does not leave a run stored but never queued.
 */
import type { Logger } from "../../lib/logger.js";

const DELAYS_MS = [500, 1_000, 2_000, 4_000, 8_000, 15_000, 30_000, 60_000, 60_000, 60_000];

/** Runs `work`; if it fails, retries it in the background (resolves after the first try either way). */
export async function untilRedisAnswers(work: () => Promise<unknown>, logger: Logger, what: string, context: Record<string, unknown> = {}): Promise<void> {
  try {
    await work();
    return;
  } catch (error) {
    logger.warn({ err: error, ...context }, `${what} failed; retrying in the background`);
  }
  void (async () => {
    for (const delayMs of DELAYS_MS) {
      await new Promise((resolve) => setTimeout(resolve, delayMs).unref());
      try {
        await work();
        logger.info(context, `${what} succeeded on a retry`);
        return;
      } catch {
        // Still away: the next delay.
      }
    }
    logger.error(context, `${what} kept failing; gave up (a busy thread's next caller recovers a run left without a job)`);
  })();
}
