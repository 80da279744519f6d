/**
 * `POST /runs/cancel`: cancels many runs at once: those named (`run_ids`, on `thread_id` or on any
 * of the caller's threads), or every active run of a thread or of all the caller's threads whose
 * status matches `status` (pending, running or all).
 */
import { z } from "zod";
import type { CancelAction } from "../../../lib/contracts/execution.js";
import { InvalidInputError } from "../../../lib/errors.js";
import type { AppDeps } from "../../deps.js";
import { requireThread } from "../threads/service.js";
import { cancelRun } from "./service.js";

/** The body of `POST /runs/cancel`. */
export const cancelManySchema = z.object({
  thread_id: z.string().uuid().nullish(),
  run_ids: z.array(z.string().uuid()).min(1).max(1000).nullish(),
  status: z.enum(["pending", "running", "all"]).nullish(),
});

/** Cancels the runs the body selects among the owner's; returns how many were cancelled. */
export async function cancelMany(deps: AppDeps, owner: string, body: z.infer<typeof cancelManySchema>, action: CancelAction): Promise<number> {
  if (!body.thread_id && !body.run_ids && !body.status) {
    throw new InvalidInputError("Say which runs to cancel: run_ids, a thread_id, or a status (pending, running or all) for all your active runs.");
  }
  const threadIds = body.thread_id ? [(await requireThread(deps, owner, body.thread_id)).thread_id] : (await deps.storage.threads.listByOwner(owner)).map((thread) => thread.thread_id);
  const named = body.run_ids ? new Set(body.run_ids.map((id) => id.toLowerCase())) : undefined;
  let cancelled = 0;
  for (const threadId of threadIds) {
    for (const runId of await deps.storage.runs.active(threadId)) {
      if (named && !named.has(runId)) continue;
      if (body.status && body.status !== "all") {
        const run = await deps.storage.runs.get(threadId, runId);
        if (run?.status !== body.status) continue;
      }
      await cancelRun(deps, threadId, runId, action, { ignoreMissing: true });
      cancelled += 1;
    }
  }
  return cancelled;
}
