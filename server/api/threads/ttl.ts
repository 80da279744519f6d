/**
 * Thread TTL (`ttl` on thread create/update, minutes or `{ ttl, strategy }`): a thread idle that
 * long (since its last update, which every run's end stamps) is deleted, or pruned to its latest
 * checkpoint with `keep_latest`. Threads with a TTL sit in a due set; every server process sweeps
 * it, and a claim is taken by one process only, so each expiry is acted on once.
 */
import { z } from "zod";
import type { Logger } from "../../../lib/logger.js";
import type { AppDeps } from "../../deps.js";
import type { ThreadRecord, ThreadTtl } from "../../records/types.js";
import { deleteThread } from "./service.js";
import { keepLatestCheckpoint } from "./state.js";

/** A century, in minutes: longer is a mistake. */
const MAX_TTL_MINUTES = 100 * 365 * 24 * 60;

/** The `ttl` field of thread create/update: minutes, or `{ ttl, strategy }`. */
export const threadTtlSchema = z
  .union([z.number().positive().max(MAX_TTL_MINUTES), z.object({ ttl: z.number().positive().max(MAX_TTL_MINUTES), strategy: z.enum(["delete", "keep_latest"]).nullish() })])
  .nullish()
  .transform((value): ThreadTtl | undefined => (value == null ? undefined : typeof value === "number" ? { strategy: "delete", ttl: value } : { strategy: value.strategy ?? "delete", ttl: value.ttl }));

const dueAt = (thread: ThreadRecord, ttl: ThreadTtl) => Date.parse(thread.updated_at) + ttl.ttl * 60_000;

/** Puts a thread with a TTL in the due set (call after writing the thread). */
export async function scheduleThreadTtl(deps: Pick<AppDeps, "storage">, thread: ThreadRecord): Promise<void> {
  if (thread.ttl) await deps.storage.threadExpiry.schedule(thread.thread_id, dueAt(thread, thread.ttl));
}

type SweepDeps = Pick<AppDeps, "storage" | "queue" | "saver">;

/** Acts on the threads due by `nowMs` that this process claimed; returns how many it deleted or pruned. */
export async function sweepThreadTtls(deps: SweepDeps, nowMs = Date.now(), batch = 100): Promise<number> {
  let acted = 0;
  for (const threadId of await deps.storage.threadExpiry.claimDue(nowMs, batch)) {
    const thread = await deps.storage.threads.get(threadId);
    if (!thread?.ttl) continue;
    const busy = (await deps.storage.runs.active(threadId)).length > 0;
    // Touched since it was scheduled (a run ended, an update), or busy now: due again later.
    const due = busy ? nowMs + thread.ttl.ttl * 60_000 : dueAt(thread, thread.ttl);
    if (due > nowMs) {
      await deps.storage.threadExpiry.schedule(threadId, due);
      continue;
    }
    if (thread.ttl.strategy === "delete") await deleteThread(deps, thread);
    else {
      await keepLatestCheckpoint(deps.saver, threadId);
      await deps.storage.threadExpiry.schedule(threadId, nowMs + thread.ttl.ttl * 60_000);
    }
    acted += 1;
  }
  return acted;
}

/** Sweeps every `intervalMs` until stopped; a failed sweep is logged and retried at the next tick. */
export function startThreadTtlSweeper(deps: SweepDeps, intervalMs: number, logger: Logger): () => void {
  let sweeping = false;
  const timer = setInterval(() => {
    if (sweeping) return;
    sweeping = true;
    sweepThreadTtls(deps)
      .catch((error: unknown) => logger.warn({ err: error }, "thread TTL sweep failed; retrying at the next tick"))
      .finally(() => (sweeping = false));
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
