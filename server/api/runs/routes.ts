/**
 * The runs routes: background create/list/get/delete, a batch of stateless runs, join, cancel,
 * `runs/wait` and `runs/stream` (thread-bound and stateless), and joining a run's stream with
 * Last-Event-ID.
 */
import { Hono, type Context } from "hono";
import { z } from "zod";
import { ConflictError, NotFoundError } from "../../../lib/errors.js";
import type { AppDeps } from "../../deps.js";
import { readBody, readQuery, uuidParam } from "../../http/validate.js";
import { ownerOf } from "../../middleware/auth.js";
import { requireThread } from "../threads/service.js";
import type { RunRecord } from "../../records/types.js";
import { cancelQuery, runCreateSchema, runListQuery } from "./schemas.js";
import { cancelRun, createRun, waitForRun } from "./service.js";
import { cancelMany, cancelManySchema } from "./cancel-many.js";
import { requestAbandoned } from "../../middleware/redis-deadline.js";
import { eventCursor, joinFilter, streamRun } from "./stream.js";

/** Most stateless runs one `POST /runs/batch` may create. */
const MAX_BATCH = 100;

/** A run as the API shows it. */
export function publicRun(run: RunRecord): Record<string, unknown> {
  const { owner: _owner, started_at: _started, cancel: _cancel, kwargs, ...rest } = run;
  const { graph_id: _graph, ...publicKwargs } = kwargs;
  return { ...rest, kwargs: publicKwargs };
}

function json(c: Context, body: string, status = 200): Response {
  return c.body(body, status as 200, { "Content-Type": "application/json" });
}

/** The runs routes. */
export function runsRoutes(deps: AppDeps): Hono {
  const app = new Hono();

  app.post("/threads/:thread_id/runs", async (c) => {
    const threadId = uuidParam(c, "thread_id");
    const run = await createRun(deps, ownerOf(c), threadId, await readBody(c, runCreateSchema), { signal: requestAbandoned(c) });
    c.header("Content-Location", `/threads/${threadId}/runs/${run.run_id}`);
    return c.json(publicRun(run));
  });

  app.post("/threads/:thread_id/runs/stream", async (c) => {
    const threadId = uuidParam(c, "thread_id");
    const body = await readBody(c, runCreateSchema);
    const run = await createRun(deps, ownerOf(c), threadId, body, { signal: requestAbandoned(c) });
    c.header("Content-Location", `/threads/${threadId}/runs/${run.run_id}`);
    return streamRun(c, deps, threadId, run.run_id, { cancelOnDisconnect: body.on_disconnect === "cancel" });
  });

  app.post("/threads/:thread_id/runs/wait", async (c) => {
    const threadId = uuidParam(c, "thread_id");
    const run = await createRun(deps, ownerOf(c), threadId, await readBody(c, runCreateSchema), { signal: requestAbandoned(c) });
    c.header("Content-Location", `/threads/${threadId}/runs/${run.run_id}`);
    return json(c, await waitForRun(deps, threadId, run.run_id));
  });

  app.get("/threads/:thread_id/runs", async (c) => {
    const threadId = uuidParam(c, "thread_id");
    const query = readQuery(c, runListQuery);
    await requireThread(deps, ownerOf(c), threadId);
    const runs = (await deps.storage.runs.list(threadId)).filter((run) => !query.status || run.status === query.status);
    const offset = query.offset ?? 0;
    return c.json(runs.slice(offset, offset + (query.limit ?? 10)).map(publicRun));
  });

  const requireRun = async (c: Context) => {
    const threadId = uuidParam(c, "thread_id");
    const runId = uuidParam(c, "run_id");
    await requireThread(deps, ownerOf(c), threadId);
    const run = await deps.storage.runs.get(threadId, runId);
    if (!run) throw new NotFoundError("run", runId, { message: "Run not found" });
    return { threadId, runId, run };
  };

  app.get("/threads/:thread_id/runs/:run_id", async (c) => c.json(publicRun((await requireRun(c)).run)));

  app.delete("/threads/:thread_id/runs/:run_id", async (c) => {
    const { threadId, runId, run } = await requireRun(c);
    if (run.status === "pending" || run.status === "running") throw new ConflictError(`Run ${runId} is ${run.status}; cancel it before deleting it.`);
    await deps.storage.runs.delete(threadId, runId);
    return c.body(null, 204);
  });

  app.get("/threads/:thread_id/runs/:run_id/join", async (c) => {
    const { threadId, runId } = await requireRun(c);
    return json(c, await waitForRun(deps, threadId, runId, c.req.raw.signal));
  });

  app.get("/threads/:thread_id/runs/:run_id/stream", async (c) => {
    const { threadId, runId, run } = await requireRun(c);
    const cancelOnDisconnect = ["true", "1", "yes"].includes((c.req.query("cancel_on_disconnect") ?? "").toLowerCase());
    const after = eventCursor(c);
    const keep = joinFilter(c, run.kwargs.stream_mode);
    return streamRun(c, deps, threadId, runId, { ...(after !== undefined ? { after } : {}), ...(keep ? { keep } : {}), cancelOnDisconnect });
  });

  app.post("/threads/:thread_id/runs/:run_id/cancel", async (c) => {
    const { threadId, runId } = await requireRun(c);
    const query = readQuery(c, cancelQuery);
    await cancelRun(deps, threadId, runId, query.action);
    if (query.wait) await waitForRun(deps, threadId, runId);
    return c.body(null, query.wait ? 204 : 202);
  });

  app.post("/runs/cancel", async (c) => {
    const body = await readBody(c, cancelManySchema);
    const { action } = readQuery(c, cancelQuery);
    await cancelMany(deps, ownerOf(c), body, action);
    return c.body(null, 204);
  });

  // Stateless runs: the run's temporary thread has the run's id.
  app.post("/runs/stream", async (c) => {
    const body = await readBody(c, runCreateSchema);
    const run = await createRun(deps, ownerOf(c), null, body, { signal: requestAbandoned(c) });
    c.header("Content-Location", `/runs/${run.run_id}`);
    return streamRun(c, deps, run.thread_id, run.run_id, { cancelOnDisconnect: body.on_disconnect === "cancel" });
  });

  app.post("/runs/wait", async (c) => {
    const run = await createRun(deps, ownerOf(c), null, await readBody(c, runCreateSchema), { signal: requestAbandoned(c) });
    c.header("Content-Location", `/runs/${run.run_id}`);
    return json(c, await waitForRun(deps, run.thread_id, run.run_id));
  });

  app.post("/runs", async (c) => {
    const run = await createRun(deps, ownerOf(c), null, await readBody(c, runCreateSchema), { signal: requestAbandoned(c) });
    c.header("Content-Location", `/runs/${run.run_id}`);
    return c.json(publicRun(run));
  });

  app.post("/runs/batch", async (c) => {
    // Validated whole before any run is created: one bad item creates nothing.
    const bodies = await readBody(c, z.array(runCreateSchema).min(1).max(MAX_BATCH));
    const owner = ownerOf(c);
    const runs = [];
    for (const body of bodies) runs.push(publicRun(await createRun(deps, owner, null, body, { signal: requestAbandoned(c) })));
    return c.json(runs);
  });

  app.get("/runs/:run_id/stream", async (c) => {
    const runId = uuidParam(c, "run_id");
    const run = await deps.storage.runs.get(runId, runId);
    if (run && run.owner !== ownerOf(c)) throw new NotFoundError("run", runId, { message: "Run not found" });
    const after = eventCursor(c);
    const keep = run ? joinFilter(c, run.kwargs.stream_mode) : undefined;
    return streamRun(c, deps, runId, runId, { ...(after !== undefined ? { after } : {}), ...(keep ? { keep } : {}) });
  });

  return app;
}
