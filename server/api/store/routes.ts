/**
 * The store routes (put, get, delete, search, list namespaces) on the server's LangGraph store,
 * confined to the caller's owner subtree, so no owner can read or list another's items. Bodies
 * and queries use the API's shared store schemas; whatever the store itself still refuses
 * (its InvalidNamespaceError) is the caller's input, mapped once here for every route.
 */
import type { BaseStore, Item } from "@langchain/langgraph-checkpoint";
import { Hono } from "hono";
import { InvalidInputError, NotFoundError } from "../../../lib/errors.js";
import { OwnerScopedStore } from "../../../memory/index.js";
import type { AppDeps } from "../../deps.js";
import { storeDeleteBody, storeGetQuery, storeNamespacesBody, storePutBody, storeSearchBody } from "../../http/schemas.js";
import { readBody, readQuery } from "../../http/validate.js";
import { ownerOf } from "../../middleware/auth.js";

function apiItem(item: Item): Record<string, unknown> {
  return { namespace: item.namespace, key: item.key, value: item.value, created_at: item.createdAt, updated_at: item.updatedAt, ...("score" in item ? { score: (item as { score?: number }).score } : {}) };
}

/** The store's own refusals of a namespace or key are the caller's input: 422, not 500. */
export function storeInputError(error: unknown): unknown {
  if (error instanceof Error && error.name === "InvalidNamespaceError") return new InvalidInputError(`Invalid store namespace: ${error.message}`, { cause: error, issues: [{ path: "namespace", message: error.message }] });
  return error;
}

/** Runs one store call, mapping the store's input errors. */
async function storeCall<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw storeInputError(error);
  }
}

/** The store routes. */
export function storeRoutes(deps: AppDeps): Hono {
  const app = new Hono();
  const scoped = (owner: string): BaseStore => new OwnerScopedStore(deps.store, owner);

  app.put("/store/items", async (c) => {
    const body = await readBody(c, storePutBody);
    await storeCall(() => scoped(ownerOf(c)).put(body.namespace, body.key, body.value, body.index ?? undefined));
    return c.body(null, 204);
  });

  app.get("/store/items", async (c) => {
    const query = readQuery(c, storeGetQuery);
    const item = await storeCall(() => scoped(ownerOf(c)).get(query.namespace, query.key));
    if (!item) throw new NotFoundError("store item", `${query.namespace.join(".")}/${query.key}`);
    return c.json(apiItem(item));
  });

  app.delete("/store/items", async (c) => {
    const body = await readBody(c, storeDeleteBody);
    await storeCall(() => scoped(ownerOf(c)).delete(body.namespace, body.key));
    return c.body(null, 204);
  });

  app.post("/store/items/search", async (c) => {
    const body = await readBody(c, storeSearchBody);
    const options = { ...(body.filter ? { filter: body.filter } : {}), limit: body.limit ?? 10, offset: body.offset ?? 0, ...(body.query ? { query: body.query } : {}) };
    const items = await storeCall(() => scoped(ownerOf(c)).search(body.namespace_prefix, options));
    return c.json({ items: items.map(apiItem) });
  });

  app.post("/store/namespaces", async (c) => {
    const body = await readBody(c, storeNamespacesBody);
    const options = {
      ...(body.prefix ? { prefix: body.prefix } : {}),
      ...(body.suffix ? { suffix: body.suffix } : {}),
      ...(body.max_depth ? { maxDepth: body.max_depth } : {}),
      limit: body.limit ?? 100,
      offset: body.offset ?? 0,
    };
    const namespaces = await storeCall(() => scoped(ownerOf(c)).listNamespaces(options));
    return c.json({ namespaces });
  });

  return app;
}
