/** Thread lookups and shapes shared by routes. */
import { NotFoundError } from "../../../lib/errors.js";
import type { AppDeps } from "../../deps.js";
import type { ThreadRecord } from "../../records/types.js";

/**
 * The thread if it exists and belongs to `owner`; 404 otherwise (never 403: others' ids are not
 * disclosed), worded as the reference words it for the route (`brief`: "Thread not found").
 */
export async function requireThread(deps: Pick<AppDeps, "storage">, owner: string, threadId: string, wording: "full" | "brief" = "full"): Promise<ThreadRecord> {
  const thread = await deps.storage.threads.get(threadId);
  if (!thread || thread.owner !== owner) throw new NotFoundError("thread", threadId, { message: wording === "brief" ? "Thread not found" : `Thread with ID ${threadId} not found` });
  return thread;
}

/** The graph that reads and writes a thread's state: its last run's, else `metadata.graph_id`. */
export function threadGraphId(thread: ThreadRecord): string | undefined {
  const fromMetadata = thread.metadata.graph_id;
  return thread.graph_id ?? (typeof fromMetadata === "string" ? fromMetadata : undefined);
}

/** The thread as the API shows it. */
export function publicThread(thread: ThreadRecord): Record<string, unknown> {
  const { owner: _owner, graph_id: graphId, assistant_id: assistantId, ttl: _ttl, ...rest } = thread;
  // Studio groups threads by metadata.graph_id: show the graph and assistant of the last run there.
  return { ...rest, metadata: { ...rest.metadata, ...(graphId ? { graph_id: graphId } : {}), ...(assistantId ? { assistant_id: assistantId } : {}) } };
}

/** Deletes a thread with its checkpoints, interrupting its runs first. */
export async function deleteThread(deps: Pick<AppDeps, "storage" | "queue" | "saver">, thread: ThreadRecord): Promise<void> {
  const active = await deps.storage.runs.active(thread.thread_id);
  for (const runId of active) await deps.queue.cancel(runId, "interrupt");
  await Promise.all([deps.storage.threads.delete(thread), deps.saver.deleteThread(thread.thread_id)]);
}
