/**
 * Runs stored but never queued. Creating a run writes its record (node-redis) and then queues it
 * (BullMQ's ioredis): when Redis goes away between the two, the caller is told 503 and the record
 * is undone here. When even the undo cannot reach Redis, it is retried in the background; and a
 * thread found busy with a pending run that no queue and no process holds (the undo never
 * happened: this process died) gets that run queued, so no thread stays blocked for good.
 */
import type { AppDeps } from "../../deps.js";

/** A pending head run younger than this may still be on its way to the queue. */
const ORPHAN_AGE_MS = 10_000;
/** Background undo attempts: every 1 s, then slower, for about 5 minutes. */
const UNDO_DELAYS_MS = [1_000, 1_000, 2_000, 4_000, 8_000, 15_000, 30_000, 60_000, 60_000, 60_000, 60_000];

/**
 * Undoes a run whose queueing failed: `started` when a worker has it after all (the queue got it
 * and only the reply was lost), else the run is gone (or will be, once Redis answers).
 */
export async function discardUnqueuedRun(deps: Pick<AppDeps, "storage" | "logger">, threadId: string, runId: string): Promise<"discarded" | "started" | "missing" | "deferred"> {
  try {
    return await deps.storage.runs.discard(threadId, runId);
  } catch (error) {
    deps.logger.warn({ err: error, runId, threadId }, "could not undo a run that was not queued; retrying in the background");
    void retryDiscard(deps, threadId, runId);
    return "deferred";
  }
}

async function retryDiscard(deps: Pick<AppDeps, "storage" | "logger">, threadId: string, runId: string): Promise<void> {
  for (const delayMs of UNDO_DELAYS_MS) {
    await new Promise((resolve) => setTimeout(resolve, delayMs).unref());
    try {
      const outcome = await deps.storage.runs.discard(threadId, runId);
      deps.logger.info({ runId, threadId, outcome }, "undid a run that was not queued");
      return;
    } catch {
      // Redis still away: try again later; a busy thread's next caller recovers the run otherwise.
    }
  }
  deps.logger.error({ runId, threadId }, "gave up undoing a run that was not queued; the next run on its thread queues it");
}

/**
 * The thread is busy with `runId`: if that run is pending, old enough, and neither queued nor
 * running anywhere, queue it now (the 409 stands; the thread frees once the run ends).
 */
export async function requeueOrphan(deps: Pick<AppDeps, "storage" | "queue" | "logger">, threadId: string, runId: string): Promise<void> {
  const recover = deps.queue.recover?.bind(deps.queue);
  if (!recover) return;
  try {
    const run = await deps.storage.runs.get(threadId, runId);
    if (!run || run.status !== "pending" || run.cancel) return;
    if (Date.now() - Date.parse(run.created_at) < ORPHAN_AGE_MS) return;
    const job = { runId, threadId: run.kwargs.temporary ? null : threadId, owner: run.owner };
    if (await recover(job)) deps.logger.warn({ runId, threadId }, "a pending run had no job (its creator could not queue it); queued it now");
  } catch (error) {
    deps.logger.debug({ err: error, runId, threadId }, "orphan check failed; the next busy answer tries again");
  }
}
