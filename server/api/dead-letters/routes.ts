/**
 * The dead-letter list over HTTP: runs given up after too many takeovers (or failures), each with
 * its reason. List them, inspect one (with its run), retry one (it resumes from its last
 * checkpoint, its takeover count starting over) or discard one (the run stays `error`). An owner
 * sees only their own runs.
 */
import { Hono, type Context } from "hono";
import { ConflictError, NotFoundError } from "../../../lib/errors.js";
import type { AppDeps } from "../../deps.js";
import { uuidParam } from "../../http/validate.js";
import { ownerOf } from "../../middleware/auth.js";
import type { DeadLetter } from "../../records/dead-letters.js";
import { publicRun } from "../runs/routes.js";

function publicEntry(entry: DeadLetter): Omit<DeadLetter, "owner"> {
  const { owner: _owner, ...rest } = entry;
  return rest;
}

async function visibleEntry(deps: AppDeps, c: Context): Promise<DeadLetter> {
  const runId = uuidParam(c, "run_id");
  const entry = await deps.storage.deadLetters.get(runId);
  if (!entry || entry.owner !== ownerOf(c)) throw new NotFoundError("dead-lettered run", runId);
  return entry;
}

/** Puts a dead-lettered run back on its thread and in the queue, resuming from its last checkpoint. */
async function retry(deps: AppDeps, entry: DeadLetter): Promise<void> {
  const outcome = await deps.storage.runs.requeue(entry.thread_id, entry.run_id);
  if (outcome === "missing") throw new ConflictError(`Run ${entry.run_id} no longer exists (its thread was deleted); discard its entry instead.`);
  if (outcome === "not_failed") throw new ConflictError(`Run ${entry.run_id} is not in status error any more; discard its entry instead.`);
  const run = await deps.storage.runs.get(entry.thread_id, entry.run_id);
  const job = { runId: entry.run_id, threadId: run?.kwargs.temporary ? null : entry.thread_id, owner: entry.owner };
  // First on its thread: queue it now; behind another run: the thread's previous run queues it when it ends.
  if (outcome === "head") await (deps.queue.recover ? deps.queue.recover(job, { resume: true }) : deps.queue.enqueue(job));
}

/** The dead-letter routes. */
export function deadLetterRoutes(deps: AppDeps): Hono {
  const app = new Hono();
  app.get("/runs/dead_letters", async (c) => {
    const owner = ownerOf(c);
    return c.json((await deps.storage.deadLetters.list()).filter((entry) => entry.owner === owner).map(publicEntry));
  });
  app.get("/runs/dead_letters/:run_id", async (c) => {
    const entry = await visibleEntry(deps, c);
    const run = await deps.storage.runs.get(entry.thread_id, entry.run_id);
    return c.json({ ...publicEntry(entry), run: run ? publicRun(run) : null });
  });
  app.post("/runs/dead_letters/:run_id/retry", async (c) => {
    const entry = await visibleEntry(deps, c);
    await retry(deps, entry);
    await deps.storage.deadLetters.remove(entry.run_id);
    const run = await deps.storage.runs.get(entry.thread_id, entry.run_id);
    return c.json(run ? publicRun(run) : null);
  });
  app.delete("/runs/dead_letters/:run_id", async (c) => {
    const entry = await visibleEntry(deps, c);
    await deps.storage.deadLetters.remove(entry.run_id);
    return c.body(null, 204);
  });
  return app;
}
