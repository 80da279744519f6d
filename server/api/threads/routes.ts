/** The threads routes: CRUD, search, count, copy, state (latest, at a checkpoint, update) and history. */
import { v7 as uuid7 } from "@langchain/core/utils/uuid";
import { Hono, type Context } from "hono";
import { z } from "zod";
import { ConflictError, InvalidInputError, NotFoundError } from "../../../lib/errors.js";
import type { AppDeps } from "../../deps.js";
import { checkpointSchema, commandSchema, historyBody, jsonObject, stateUpdateBody, threadPatchBody, uuidString as uuid } from "../../http/schemas.js";
import { queryBoolean, readBody, readQuery, uuidParam } from "../../http/validate.js";
import { ownerOf } from "../../middleware/auth.js";
import { serializeForApi } from "../runs/serialize.js";
import { matchesSubset } from "./filter.js";
import { emptyThreadState, copyCheckpoints, keepLatestCheckpoint, threadState } from "./state.js";
import { scheduleThreadTtl, threadTtlSchema } from "./ttl.js";
import { deleteThread, publicThread, requireThread, threadGraphId } from "./service.js";
import { threadStreamRoutes } from "./stream.js";

// The reference takes metadata, ttl or both (the SDK's update sends ttl alone); a PATCH with
// neither changes nothing and is refused as the bad request it is.
const threadPatch = threadPatchBody
  .extend({ metadata: jsonObject.optional(), ttl: threadTtlSchema })
  .refine((body) => body.metadata !== undefined || body.ttl !== undefined, { message: "a thread PATCH needs metadata or ttl", path: ["metadata"] });
import type { ThreadRecord } from "../../records/types.js";


const createSchema = z.object({
  thread_id: uuid.nullish(),
  metadata: jsonObject.nullish(),
  if_exists: z.enum(["raise", "do_nothing"]).nullish(),
  supersteps: z.array(z.object({ updates: z.array(z.object({ values: z.unknown().optional(), command: commandSchema.nullish(), as_node: z.string() })) })).nullish(),
  ttl: threadTtlSchema,
});
const searchSchema = z.object({
  metadata: jsonObject.nullish(),
  values: jsonObject.nullish(),
  ids: z.array(uuid).max(1000).nullish(),
  status: z.enum(["idle", "busy", "interrupted", "error"]).nullish(),
  limit: z.number().int().min(1).max(1000).nullish(),
  offset: z.number().int().min(0).nullish(),
  sort_by: z.enum(["thread_id", "status", "created_at", "updated_at"]).nullish(),
  sort_order: z.enum(["asc", "desc"]).nullish(),
  select: z.array(z.string()).nullish(),
  extract: z.unknown().optional(),
});
const pruneSchema = z.object({ thread_ids: z.array(uuid).min(1).max(1000), strategy: z.enum(["delete", "keep_latest"]).default("delete") });

function filterThreads(threads: ThreadRecord[], query: z.infer<typeof searchSchema>): ThreadRecord[] {
  return threads.filter(
    (thread) =>
      (!query.ids || query.ids.includes(thread.thread_id)) &&
      (!query.status || thread.status === query.status) &&
      (!query.metadata || matchesSubset(thread.metadata, query.metadata)) &&
      (!query.values || matchesSubset(thread.values, query.values)),
  );
}

function sortThreads(threads: ThreadRecord[], by: string, order: string): ThreadRecord[] {
  const sign = order === "asc" ? 1 : -1;
  return threads.sort((a, b) => sign * String(a[by as keyof ThreadRecord]).localeCompare(String(b[by as keyof ThreadRecord])));
}

function definedFields(record: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(record).filter(([, value]) => value != null));
}

/** History's `before` as the config LangGraph takes (a checkpoint id, a checkpoint, or a config). */
function beforeConfig(before: z.infer<typeof historyBody>["before"]): { configurable: Record<string, unknown> } | undefined {
  if (!before) return undefined;
  if (typeof before === "string") return { configurable: { checkpoint_id: before } };
  const { thread_id: _ignored, ...checkpoint } = "configurable" in before ? before.configurable : before;
  return { configurable: definedFields(checkpoint) };
}

/** The threads routes. */
export function threadsRoutes(deps: AppDeps): Hono {
  const app = new Hono();
  const graphOf = (thread: ThreadRecord) => {
    const graphId = threadGraphId(thread);
    return graphId && deps.graphs.has(graphId) ? deps.graphs.get(graphId).graph : undefined;
  };
  const json = (c: Context, value: unknown) => c.body(serializeForApi(value), 200, { "Content-Type": "application/json" });

  app.post("/threads", async (c) => {
    const body = await readBody(c, createSchema);
    const owner = ownerOf(c);
    const now = new Date().toISOString();
    const metadata = Object.fromEntries(Object.entries(body.metadata ?? {}).filter(([, value]) => value !== undefined && value !== null));
    const record: ThreadRecord = { thread_id: body.thread_id?.toLowerCase() ?? uuid7(), created_at: now, updated_at: now, metadata, config: {}, status: "idle", values: null, interrupts: {}, owner, ...(body.ttl ? { ttl: body.ttl } : {}) };
    const { record: stored, created } = await deps.storage.threads.create(record);
    if (!created) {
      // Another owner's thread id is reported like any existing id, without saying whose it is.
      if ((body.if_exists ?? "raise") === "raise" || stored.owner !== owner) throw new ConflictError("Thread already exists");
      return c.json(publicThread(stored));
    }
    if (body.supersteps?.length) {
      const graph = graphOf(record);
      if (!graph) throw new InvalidInputError("supersteps need metadata.graph_id naming a served graph.");
      for (const step of body.supersteps) for (const update of step.updates) await graph.updateState({ configurable: { thread_id: record.thread_id, checkpoint_ns: "" } }, update.values, update.as_node);
    }
    await scheduleThreadTtl(deps, record);
    return c.json(publicThread(record));
  });

  app.post("/threads/search", async (c) => {
    const query = await readBody(c, searchSchema);
    const all = sortThreads(filterThreads(await deps.storage.threads.listByOwner(ownerOf(c)), query), query.sort_by ?? "created_at", query.sort_order ?? "desc");
    const offset = query.offset ?? 0;
    const page = all.slice(offset, offset + (query.limit ?? 10)).map(publicThread);
    c.header("X-Pagination-Total", String(all.length));
    if (offset + page.length < all.length) c.header("X-Pagination-Next", String(offset + page.length));
    const selected = query.select ? page.map((thread) => Object.fromEntries(Object.entries(thread).filter(([key]) => query.select!.includes(key)))) : page;
    return json(c, selected);
  });

  app.post("/threads/count", async (c) => {
    const query = await readBody(c, searchSchema.pick({ metadata: true, values: true, status: true }));
    return c.json(filterThreads(await deps.storage.threads.listByOwner(ownerOf(c)), query).length);
  });

  app.get("/threads/:thread_id", async (c) => json(c, publicThread(await requireThread(deps, ownerOf(c), uuidParam(c, "thread_id")))));

  app.patch("/threads/:thread_id", async (c) => {
    const thread = await requireThread(deps, ownerOf(c), uuidParam(c, "thread_id"), "brief");
    const body = await readBody(c, threadPatch);
    const patched = { ...thread, metadata: { ...thread.metadata, ...body.metadata }, updated_at: new Date().toISOString(), ...(body.ttl ? { ttl: body.ttl } : {}) };
    await deps.storage.threads.patch(thread.thread_id, { metadata: patched.metadata, updated_at: patched.updated_at, ...(body.ttl ? { ttl: body.ttl } : {}) });
    await scheduleThreadTtl(deps, patched);
    return json(c, publicThread(patched));
  });

  app.delete("/threads/:thread_id", async (c) => {
    await deleteThread(deps, await requireThread(deps, ownerOf(c), uuidParam(c, "thread_id")));
    return c.body(null, 204);
  });

  // delete: the threads go with their runs and checkpoints; keep_latest: each keeps its latest
  // checkpoint only (a thread with an active run is skipped and not counted).
  app.post("/threads/prune", async (c) => {
    const body = await readBody(c, pruneSchema);
    const owner = ownerOf(c);
    let pruned = 0;
    for (const threadId of new Set(body.thread_ids)) {
      const thread = await deps.storage.threads.get(threadId);
      // Unknown ids and other owners' threads are skipped alike: the count never reveals them.
      if (!thread || thread.owner !== owner) continue;
      if (body.strategy === "delete") await deleteThread(deps, thread);
      else if ((await deps.storage.runs.active(threadId)).length > 0) continue;
      else await keepLatestCheckpoint(deps.saver, threadId);
      pruned += 1;
    }
    return c.json({ pruned_count: pruned });
  });

  app.post("/threads/:thread_id/copy", async (c) => {
    const thread = await requireThread(deps, ownerOf(c), uuidParam(c, "thread_id"));
    const now = new Date().toISOString();
    const copy: ThreadRecord = { ...thread, thread_id: uuid7(), created_at: now, updated_at: now, status: "idle" };
    copy.metadata = { ...thread.metadata, ...(thread.graph_id ? { graph_id: thread.graph_id } : {}) };
    await copyCheckpoints(deps.saver, thread.thread_id, copy.thread_id);
    await deps.storage.threads.create(copy);
    await deps.storage.threads.patch(copy.thread_id, { metadata: copy.metadata, updated_at: now, values: thread.values });
    return json(c, publicThread(copy));
  });

  const stateAt = async (c: Context, threadId: string, checkpoint: Record<string, unknown>, subgraphs: boolean) => {
    const thread = await requireThread(deps, ownerOf(c), threadId);
    const graph = graphOf(thread);
    if (!graph) return json(c, emptyThreadState());
    const snapshot = await graph.getState({ configurable: { thread_id: threadId, checkpoint_ns: "", ...checkpoint } }, { subgraphs });
    // LangGraph answers an unknown checkpoint with an empty snapshot that echoes the asked config: no creation time tells.
    if (checkpoint.checkpoint_id && (!snapshot.config?.configurable?.checkpoint_id || !snapshot.createdAt)) throw new NotFoundError("checkpoint", String(checkpoint.checkpoint_id));
    return json(c, threadState(snapshot));
  };
  const subgraphsQuery = z.object({ subgraphs: queryBoolean.optional() });

  app.get("/threads/:thread_id/state", async (c) => stateAt(c, uuidParam(c, "thread_id"), {}, readQuery(c, subgraphsQuery).subgraphs ?? false));

  app.post("/threads/:thread_id/state/checkpoint", async (c) => {
    const threadId = uuidParam(c, "thread_id");
    const body = await readBody(c, z.object({ subgraphs: z.boolean().nullish(), checkpoint: checkpointSchema.nullish() }));
    const { thread_id: _ignored, ...checkpoint } = body.checkpoint ?? {};
    return stateAt(c, threadId, Object.fromEntries(Object.entries(checkpoint).filter(([, value]) => value != null)), body.subgraphs ?? false);
  });

  app.get("/threads/:thread_id/state/:checkpoint_id", async (c) => {
    const threadId = uuidParam(c, "thread_id");
    const checkpointId = uuidParam(c, "checkpoint_id");
    return stateAt(c, threadId, { checkpoint_id: checkpointId }, readQuery(c, subgraphsQuery).subgraphs ?? false);
  });

  app.post("/threads/:thread_id/state", async (c) => {
    const thread = await requireThread(deps, ownerOf(c), uuidParam(c, "thread_id"));
    const body = await readBody(c, stateUpdateBody);
    const graph = graphOf(thread);
    if (!graph) throw new InvalidInputError(`Thread ${thread.thread_id} has no graph yet: run it once, or create it with metadata.graph_id.`);
    if ((await deps.storage.runs.active(thread.thread_id)).length > 0) throw new ConflictError("Thread is busy: update its state when its runs have finished.");
    const { thread_id: _ignored, ...checkpoint } = body.checkpoint ?? {};
    const configurable = {
      thread_id: thread.thread_id,
      checkpoint_ns: "",
      ...Object.fromEntries(Object.entries(checkpoint).filter(([, value]) => value != null)),
      ...(body.checkpoint_id ? { checkpoint_id: body.checkpoint_id } : {}),
    };
    let next: { configurable?: Record<string, unknown> };
    try {
      next = await graph.updateState({ configurable }, body.values, body.as_node ?? undefined);
    } catch (error) {
      // LangGraph reports a bad as_node or an ambiguous update as a plain error: the caller's input is at fault.
      if (error instanceof Error && /node|ambiguous|channel|update/i.test(error.message)) throw new InvalidInputError(error.message, { cause: error });
      throw error;
    }
    const state = await graph.getState({ configurable: { thread_id: thread.thread_id, checkpoint_ns: "" } });
    await deps.storage.threads.patch(thread.thread_id, { metadata: thread.metadata, updated_at: new Date().toISOString(), values: state.values });
    return json(c, { checkpoint: next.configurable ?? null, configurable: next.configurable ?? null });
  });

  const history = async (c: Context, threadId: string, options: z.infer<typeof historyBody>) => {
    const thread = await requireThread(deps, ownerOf(c), threadId);
    const graph = graphOf(thread);
    if (!graph) return json(c, []);
    const before = beforeConfig(options.before);
    const states: unknown[] = [];
    const { thread_id: _thread, ...checkpoint } = options.checkpoint ?? {};
    const config = { configurable: { thread_id: threadId, checkpoint_ns: "", ...definedFields(checkpoint) } };
    for await (const snapshot of graph.getStateHistory(config, { limit: options.limit ?? 10, ...(before ? { before } : {}), ...(options.metadata ? { filter: options.metadata } : {}) })) {
      states.push(threadState(snapshot));
    }
    return json(c, states);
  };

  app.route("/", threadStreamRoutes(deps));

  app.post("/threads/:thread_id/history", async (c) => history(c, uuidParam(c, "thread_id"), await readBody(c, historyBody)));
  app.get("/threads/:thread_id/history", async (c) => {
    const query = readQuery(c, z.object({ limit: z.coerce.number().int().min(1).max(1000).optional(), before: z.string().max(256).optional() }));
    return history(c, uuidParam(c, "thread_id"), { limit: query.limit ?? 10, before: query.before ?? null });
  });

  return app;
}
