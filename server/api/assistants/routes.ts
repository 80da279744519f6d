/** The assistants routes: create, search, count, get, patch, delete, versions, graph drawing, schemas, subgraphs. */
import { v7 as uuid7 } from "@langchain/core/utils/uuid";
import { Hono, type Context } from "hono";
import { z } from "zod";
import { ConflictError, InvalidInputError, NotFoundError } from "../../../lib/errors.js";
import type { AppDeps } from "../../deps.js";
import { configSchema, jsonObject, uuidString as uuid } from "../../http/schemas.js";
import { queryBoolean, readBody, readQuery } from "../../http/validate.js";
import { ownerOf } from "../../middleware/auth.js";
import { matchesSubset } from "../threads/filter.js";
import type { AssistantRecord } from "../../records/types.js";
import { graphSchemas } from "./schemas.js";
import { getVisibleAssistant, publicAssistant } from "./service.js";

const createSchema = z.object({
  assistant_id: uuid.nullish(),
  graph_id: z.string().min(1).max(256),
  config: configSchema.nullish(),
  context: jsonObject.nullish(),
  metadata: jsonObject.nullish(),
  if_exists: z.enum(["raise", "do_nothing"]).nullish(),
  name: z.string().max(256).nullish(),
  description: z.string().max(4096).nullish(),
});
const patchSchema = createSchema.omit({ assistant_id: true, if_exists: true }).partial();
const searchSchema = z.object({
  graph_id: z.string().max(256).nullish(),
  name: z.string().max(256).nullish(),
  metadata: jsonObject.nullish(),
  limit: z.number().int().min(1).max(1000).nullish(),
  offset: z.number().int().min(0).nullish(),
  sort_by: z.enum(["assistant_id", "graph_id", "name", "created_at", "updated_at"]).nullish(),
  sort_order: z.enum(["asc", "desc"]).nullish(),
  select: z.array(z.string()).nullish(),
});

/** The assistants routes. */
export function assistantsRoutes(deps: AppDeps): Hono {
  const app = new Hono();
  const visible = async (owner: string) => (await deps.storage.assistants.list()).filter((record) => record.owner === null || record.owner === owner);
  const matching = (records: AssistantRecord[], query: z.infer<typeof searchSchema>) =>
    records.filter(
      (record) =>
        (!query.graph_id || record.graph_id === query.graph_id) &&
        (!query.name || record.name.toLowerCase().includes(query.name.toLowerCase())) &&
        (!query.metadata || matchesSubset(record.metadata, query.metadata)),
    );

  app.post("/assistants", async (c) => {
    const body = await readBody(c, createSchema);
    const owner = ownerOf(c);
    if (!deps.graphs.has(body.graph_id)) throw new NotFoundError("graph", body.graph_id);
    const now = new Date().toISOString();
    const record: AssistantRecord = {
      assistant_id: body.assistant_id?.toLowerCase() ?? uuid7(),
      graph_id: body.graph_id,
      config: body.config ?? {},
      context: body.context ?? {},
      metadata: body.metadata ?? {},
      name: body.name || "Untitled",
      description: body.description ?? null,
      version: 1,
      created_at: now,
      updated_at: now,
      owner,
    };
    const { record: stored, created } = await deps.storage.assistants.create(record);
    if (!created && ((body.if_exists ?? "raise") === "raise" || stored.owner !== owner)) throw new ConflictError(`Assistant ${record.assistant_id} already exists.`);
    return c.json(publicAssistant(stored));
  });

  app.post("/assistants/search", async (c) => {
    const query = await readBody(c, searchSchema);
    const by = query.sort_by ?? "created_at";
    const sign = (query.sort_order ?? "desc") === "asc" ? 1 : -1;
    const all = matching(await visible(ownerOf(c)), query).sort((a, b) => sign * String(a[by]).localeCompare(String(b[by])));
    const offset = query.offset ?? 0;
    const page = all.slice(offset, offset + (query.limit ?? 10)).map(publicAssistant);
    c.header("X-Pagination-Total", String(all.length));
    return c.json(query.select ? page.map((record) => Object.fromEntries(Object.entries(record).filter(([key]) => query.select!.includes(key)))) : page);
  });

  app.post("/assistants/count", async (c) => {
    const query = await readBody(c, searchSchema.pick({ graph_id: true, name: true, metadata: true }));
    return c.json(matching(await visible(ownerOf(c)), query).length);
  });

  app.get("/assistants/:assistant_id", async (c) => c.json(publicAssistant(await getVisibleAssistant(deps, ownerOf(c), c.req.param("assistant_id")))));

  app.patch("/assistants/:assistant_id", async (c) => {
    const record = await getVisibleAssistant(deps, ownerOf(c), c.req.param("assistant_id"));
    if (record.owner === null) throw new InvalidInputError("System assistants cannot be changed; create your own assistant for the graph instead.");
    const body = await readBody(c, patchSchema);
    if (body.graph_id && !deps.graphs.has(body.graph_id)) throw new NotFoundError("graph", body.graph_id);
    const updated: AssistantRecord = {
      ...record,
      ...(body.graph_id ? { graph_id: body.graph_id } : {}),
      ...(body.config ? { config: body.config } : {}),
      ...(body.context ? { context: body.context } : {}),
      ...(body.name ? { name: body.name } : {}),
      ...(body.description !== undefined ? { description: body.description } : {}),
      metadata: { ...record.metadata, ...body.metadata },
      // After a set-latest to an older version, the next version still follows the newest one.
      version: Math.max(record.version, (await deps.storage.assistants.versions(record.assistant_id))[0]?.version ?? 0) + 1,
      updated_at: new Date().toISOString(),
    };
    await deps.storage.assistants.update(updated);
    return c.json(publicAssistant(updated));
  });

  app.delete("/assistants/:assistant_id", async (c) => {
    const record = await getVisibleAssistant(deps, ownerOf(c), c.req.param("assistant_id"));
    if (record.owner === null) throw new InvalidInputError("System assistants cannot be deleted; they come from the served graphs.");
    await deps.storage.assistants.delete(record.assistant_id);
    return c.json([record.assistant_id]);
  });

  app.post("/assistants/:assistant_id/versions", async (c) => {
    const record = await getVisibleAssistant(deps, ownerOf(c), c.req.param("assistant_id"));
    const body = await readBody(c, z.object({ limit: z.number().int().min(1).max(1000).nullish(), offset: z.number().int().min(0).nullish(), metadata: jsonObject.nullish() }));
    const versions = (await deps.storage.assistants.versions(record.assistant_id)).filter((version) => !body.metadata || matchesSubset(version.metadata, body.metadata));
    const offset = body.offset ?? 0;
    return c.json(versions.slice(offset, offset + (body.limit ?? 10)).map(publicAssistant));
  });

  app.post("/assistants/:assistant_id/latest", async (c) => {
    const record = await getVisibleAssistant(deps, ownerOf(c), c.req.param("assistant_id"));
    if (record.owner === null) throw new InvalidInputError("System assistants have one version; create your own assistant for the graph instead.");
    const body = await readBody(c, z.object({ version: z.number().int().min(1) }));
    const chosen = (await deps.storage.assistants.versions(record.assistant_id)).find((version) => version.version === body.version);
    if (!chosen) throw new NotFoundError("assistant version", `${record.assistant_id} v${body.version}`);
    const current: AssistantRecord = { ...chosen, updated_at: new Date().toISOString() };
    await deps.storage.assistants.setCurrent(current);
    return c.json(publicAssistant(current));
  });

  app.get("/assistants/:assistant_id/graph", async (c) => {
    const record = await getVisibleAssistant(deps, ownerOf(c), c.req.param("assistant_id"));
    const query = readQuery(c, z.object({ xray: z.union([queryBoolean, z.coerce.number().int().min(0).max(100)]).optional() }));
    const { graph } = deps.graphs.get(record.graph_id);
    const drawable = await graph.getGraphAsync({ ...record.config, ...(query.xray !== undefined ? { xray: query.xray } : {}) });
    return c.json(drawable.toJSON());
  });

  app.get("/assistants/:assistant_id/schemas", async (c) => {
    const record = await getVisibleAssistant(deps, ownerOf(c), c.req.param("assistant_id"));
    return c.json({ graph_id: record.graph_id, ...graphSchemas(deps.graphs.get(record.graph_id).graph) });
  });

  const subgraphs = async (c: Context, namespace: string | undefined) => {
    const record = await getVisibleAssistant(deps, ownerOf(c), c.req.param("assistant_id")!);
    const { recurse } = readQuery(c, z.object({ recurse: queryBoolean.optional() }));
    const result: Record<string, unknown> = {};
    for await (const [ns, subgraph] of deps.graphs.get(record.graph_id).graph.getSubgraphsAsync(namespace, recurse ?? false)) result[ns] = graphSchemas(subgraph);
    return c.json(result);
  };
  app.get("/assistants/:assistant_id/subgraphs", async (c) => subgraphs(c, undefined));
  app.get("/assistants/:assistant_id/subgraphs/:namespace", async (c) => subgraphs(c, c.req.param("namespace")));

  return app;
}
