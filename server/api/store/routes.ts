/**
 * The store routes (put, get, delete, search, list namespaces) on the server's LangGraph store,
 * confined to the caller's owner subtree, so no owner can read or list another's items. Runs see
 * the same subtree (server/execution/handler.ts): what a client puts, its graphs read, and the
 * reverse, with namespaces exactly as written.
 */
import type { Item } from "@langchain/langgraph-checkpoint";
import { Hono } from "hono";
import { z } from "zod";
import { OwnerScopedStore } from "../../../memory/index.js";
import type { AppDeps } from "../../deps.js";
import { jsonObject, queryBoolean, readBody, readQuery } from "../../http/validate.js";
import { ownerOf } from "../../middleware/auth.js";

const label = z.string().min(1).max(256).refine((value) => !value.includes("."), "namespace labels cannot contain '.'");
const namespace = z.array(label).min(1).max(20);

function apiItem(item: Item): Record<string, unknown> {
  return { namespace: item.namespace, key: item.key, value: item.value, created_at: item.createdAt, updated_at: item.updatedAt, ...("score" in item ? { score: (item as { score?: number }).score } : {}) };
}

/** The store routes. */
export function storeRoutes(deps: AppDeps): Hono {
  const app = new Hono();
  const scoped = (owner: string) => new OwnerScopedStore(deps.store, owner);

  app.put("/store/items", async (c) => {
    const body = await readBody(c, z.object({ namespace, key: z.string().min(1).max(1024), value: jsonObject, index: z.union([z.literal(false), z.array(z.string())]).nullish(), ttl: z.number().positive().nullish() }));
    await scoped(ownerOf(c)).put(body.namespace, body.key, body.value, body.index ?? undefined);
    return c.body(null, 204);
  });

  app.get("/store/items", async (c) => {
    const query = readQuery(c, z.object({ namespace: z.string().min(1).max(5000), key: z.string().min(1).max(1024), refresh_ttl: queryBoolean.optional() }));
    const parsed = namespace.safeParse(query.namespace.split("."));
    const path = parsed.success ? parsed.data : query.namespace.split(".");
    const item = await scoped(ownerOf(c)).get(path, query.key);
    // Like the reference: a missing item is 200 null (the SDK's getItem returns null).
    return c.json(item ? apiItem(item) : null);
  });

  app.delete("/store/items", async (c) => {
    const body = await readBody(c, z.object({ namespace, key: z.string().min(1).max(1024) }));
    await scoped(ownerOf(c)).delete(body.namespace, body.key);
    return c.body(null, 204);
  });

  app.post("/store/items/search", async (c) => {
    const body = await readBody(
      c,
      z.object({
        namespace_prefix: z.array(label).max(20).nullish(),
        filter: jsonObject.nullish(),
        limit: z.number().int().min(1).max(1000).nullish(),
        offset: z.number().int().min(0).nullish(),
        query: z.string().max(10_000).nullish(),
        refresh_ttl: z.boolean().nullish(),
      }),
    );
    const items = await scoped(ownerOf(c)).search(body.namespace_prefix ?? [], {
      ...(body.filter ? { filter: body.filter } : {}),
      limit: body.limit ?? 10,
      offset: body.offset ?? 0,
      ...(body.query ? { query: body.query } : {}),
    });
    return c.json({ items: items.map(apiItem) });
  });

  app.post("/store/namespaces", async (c) => {
    const body = await readBody(
      c,
      z.object({ prefix: z.array(z.string().max(256)).max(20).nullish(), suffix: z.array(z.string().max(256)).max(20).nullish(), max_depth: z.number().int().min(1).max(100).nullish(), limit: z.number().int().min(1).max(1000).nullish(), offset: z.number().int().min(0).nullish() }),
    );
    const namespaces = await scoped(ownerOf(c)).listNamespaces({
      ...(body.prefix ? { prefix: body.prefix } : {}),
      ...(body.suffix ? { suffix: body.suffix } : {}),
      ...(body.max_depth ? { maxDepth: body.max_depth } : {}),
      limit: body.limit ?? 100,
      offset: body.offset ?? 0,
    });
    return c.json({ namespaces });
  });

  return app;
}
