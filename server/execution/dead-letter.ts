/**
 * Giving a run up: it goes on the dead-letter list with the reason (first, so it is never lost),
 * then ends as `error` with an `error` event saying why, its thread freed for the next run. A run
 * ends here when it kept taking its workers down (takeovers) or kept failing on infrastructure
 * (the queue's retries ran out); it is not retried unless an operator asks (/runs/dead_letters).
 */
import type { Logger } from "../../lib/logger.js";
import type { RunEventLog, RunJob, RunQueue } from "../../lib/contracts/execution.js";
import type { Storage } from "../records/types.js";
import { untilRedisAnswers } from "./retry.js";

/** What dead-lettering needs. */
export interface DeadLetterDeps {
  storage: Pick<Storage, "runs" | "deadLetters">;
  events: RunEventLog;
  queue: Pick<RunQueue, "enqueue">;
  logger: Logger;
  /** Counts dead-lettered runs (/metrics). */
  counted?: (graphId: string | null) => void;
}

/** Moves a run to the dead-letter list and ends it; see the module comment. */
export async function deadLetterRun(deps: DeadLetterDeps, job: RunJob, info: { reason: string; takeovers: number }): Promise<void> {
  const threadId = job.threadId ?? job.runId;
  const run = await deps.storage.runs.get(threadId, job.runId);
  // Gone (deleted, rolled back) or ended meanwhile: nothing to give up.
  if (!run || (run.status !== "pending" && run.status !== "running")) return;
  await deps.storage.deadLetters.add({
    run_id: job.runId,
    thread_id: threadId,
    owner: run.owner,
    graph_id: run.kwargs.graph_id ?? null,
    reason: info.reason,
    takeovers: info.takeovers,
    dead_lettered_at: new Date().toISOString(),
  });
  deps.counted?.(run.kwargs.graph_id ?? null);
  deps.logger.error({ runId: job.runId, threadId, takeovers: info.takeovers, reason: info.reason }, "run moved to the dead-letter list");
  await deps.events.append(job.runId, "error", { error: "RunDeadLettered", message: info.reason }).catch(() => undefined);
  const next = await deps.storage.runs.finish(threadId, job.runId, { status: "error", threadStatus: "error" });
  await deps.events.finish(job.runId, { status: "error" }).catch(() => undefined);
  if (next) await untilRedisAnswers(() => deps.queue.enqueue({ runId: next, threadId: job.threadId, owner: job.owner }), deps.logger, "queueing the thread's next run", { runId: next, threadId });
}
