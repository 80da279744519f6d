/**
 * Which resource and action a request is, for a project's auth handlers, with the value the
 * handler sees (the reference's shape) and how its answer is applied: a rewritten value goes back
 * into the request body (or the store's query), a filter is checked against the addressed
 * resource (`target`) or narrows a search.
 */
import type { Context } from "hono";

/** Metadata of an addressed resource (undefined = not found: the route answers 404 itself). */
export interface AuthLookups {
  thread(id: string): Promise<Record<string, unknown> | undefined>;
  assistant(idOrGraph: string): Promise<Record<string, unknown> | undefined>;
}

/** One authorization event. */
export interface AuthEvent {
  resource: "threads" | "assistants" | "store" | "crons";
  action: string;
  value: Record<string, unknown>;
  /** Writes the (possibly rewritten) value back into the request. */
  apply?: (user: unknown) => Promise<void>;
  /** The addressed resource's metadata, which a filter must match. */
  target?: (lookups: AuthLookups) => Promise<Record<string, unknown> | undefined>;
  /** Adds plain-equality filters to a search's metadata. */
  narrowSearch?: (exact: Record<string, unknown>) => void;
}

type Body = Record<string, unknown>;

async function readJson(c: Context): Promise<Body> {
  const text = await c.req.text();
  try {
    const parsed = JSON.parse(text || "{}") as unknown;
    return parsed && typeof parsed === "object" && !Array.isArray(parsed) ? (parsed as Body) : {};
  } catch {
    return {};
  }
}

function writeJson(c: Context, body: Body): void {
  const headers = new Headers(c.req.raw.headers);
  headers.delete("content-length");
  headers.set("content-type", "application/json");
  c.req.raw = new Request(c.req.raw.url, { method: c.req.method, headers, body: JSON.stringify(body), signal: c.req.raw.signal });
  c.req.bodyCache = {};
}

const metadataOf = (body: Body) => (body.metadata && typeof body.metadata === "object" ? (body.metadata as Body) : {});

/** An event that writes the handler's metadata (and other rewritten fields) back into the body. */
async function writing(c: Context, resource: AuthEvent["resource"], action: string, pick: (body: Body) => Body, fields: string[], target?: AuthEvent["target"]): Promise<AuthEvent> {
  const body = await readJson(c);
  const value: Body = { ...pick(body), metadata: metadataOf(body) };
  return {
    resource,
    action,
    value,
    ...(target ? { target } : {}),
    apply: async () => {
      for (const field of ["metadata", ...fields]) if (value[field] !== undefined) body[field] = value[field];
      writeJson(c, body);
    },
  };
}

async function searching(c: Context, resource: AuthEvent["resource"]): Promise<AuthEvent> {
  const body = await readJson(c);
  return {
    resource,
    action: "search",
    value: { ...body, metadata: metadataOf(body) },
    narrowSearch: (exact) => {
      if (Object.keys(exact).length === 0) return;
      body.metadata = { ...metadataOf(body), ...exact };
      writeJson(c, body);
    },
  };
}

/** The store's namespace travels in the query (GET) or the body: a handler may rewrite it. */
async function storeEvent(c: Context, action: string): Promise<AuthEvent> {
  if (c.req.method === "GET") {
    const url = new URL(c.req.url);
    const value: Body = { namespace: (url.searchParams.get("namespace") ?? "").split(".").filter(Boolean), key: url.searchParams.get("key") };
    return {
      resource: "store",
      action,
      value,
      apply: async () => {
        url.searchParams.set("namespace", (value.namespace as string[]).join("."));
        c.req.raw = new Request(url, { method: "GET", headers: c.req.raw.headers, signal: c.req.raw.signal });
      },
    };
  }
  const body = await readJson(c);
  const nsField = action === "search" ? "namespace_prefix" : action === "list_namespaces" ? "prefix" : "namespace";
  const value: Body = { ...body, namespace: body[nsField] ?? [] };
  return {
    resource: "store",
    action,
    value,
    apply: async () => {
      body[nsField] = value.namespace;
      if (action === "put") body.value = value.value;
      writeJson(c, body);
    },
  };
}

/** The event of a request, or undefined for routes no handler governs (ops, custom routes). */
export async function authEventOf(c: Context): Promise<AuthEvent | undefined> {
  const method = c.req.method;
  const parts = c.req.path.split("/").filter(Boolean);
  const [head, id, sub] = parts;
  const thread = (threadId: string) => (lookups: AuthLookups) => lookups.thread(threadId);
  const assistant = (assistantId: string) => (lookups: AuthLookups) => lookups.assistant(assistantId);
  if (head === "threads") {
    if (!id) return method === "POST" ? writing(c, "threads", "create", (body) => ({ thread_id: body.thread_id, if_exists: body.if_exists }), []) : undefined;
    if ((id === "search" || id === "count") && method === "POST") return searching(c, "threads");
    if (id === "prune") return { resource: "threads", action: "delete", value: await readJson(c) };
    if (sub === "runs" && method === "POST" && (parts.length === 3 || parts[3] === "stream" || parts[3] === "wait")) {
      return writing(c, "threads", "create_run", (body) => ({ thread_id: id, assistant_id: body.assistant_id, kwargs: body }), [], thread(id));
    }
    const action = method === "DELETE" && parts.length === 2 ? "delete" : method === "PATCH" || (method === "POST" && (sub === "state" || parts[4] === "cancel")) ? "update" : "read";
    if (action === "update" && parts.length === 2) return writing(c, "threads", "update", () => ({ thread_id: id }), [], thread(id));
    return { resource: "threads", action, value: { thread_id: id }, target: thread(id) };
  }
  if (head === "runs") {
    if (method === "POST" && (parts.length === 1 || id === "stream" || id === "wait")) return writing(c, "threads", "create_run", (body) => ({ thread_id: null, assistant_id: body.assistant_id, kwargs: body }), []);
    return undefined;
  }
  if (head === "assistants") {
    if (!id) return method === "POST" ? writing(c, "assistants", "create", (body) => ({ assistant_id: body.assistant_id, graph_id: body.graph_id, config: body.config ?? {}, name: body.name }), ["config"]) : undefined;
    if ((id === "search" || id === "count") && method === "POST") return searching(c, "assistants");
    if (method === "PATCH") return writing(c, "assistants", "update", (body) => ({ assistant_id: id, graph_id: body.graph_id, config: body.config, name: body.name }), ["config"], assistant(id));
    const action = method === "DELETE" ? "delete" : sub === "latest" ? "update" : "read";
    return { resource: "assistants", action, value: { assistant_id: id }, target: assistant(id) };
  }
  if (head === "store") {
    if (id === "items") {
      if (sub === "search") return storeEvent(c, "search");
      return storeEvent(c, method === "PUT" ? "put" : method === "DELETE" ? "delete" : "get");
    }
    if (id === "namespaces") return storeEvent(c, "list_namespaces");
  }
  return undefined;
}
