/**
 * HTTP fuzz cases for every route the app mounts (issue 18): malformed path parameters,
 * unparsable and wrongly shaped bodies, one field at a time of the wrong type (from a typed base
 * body per route), bodies nested 10,000 deep or over the size limit, bad query values, and odd
 * but parsable input (prototype keys, lone surrogates, empty bodies, text/plain). A case marked
 * `refused` must get a 4xx with `{ error, message }` (on /mcp, a JSON-RPC error: the protocol's shape); every
 * case must get an answer below 500.
 */

/** One request of the fuzz. */
export interface HttpFuzzCase {
  family: string;
  route: string;
  name: string;
  method: string;
  path: string;
  body?: string;
  contentType?: string;
  /** The Accept header (/mcp answers 406 to a client that does not take both JSON and SSE, before reading the body). */
  accept?: string;
  /** `refused`: malformed, must be a 4xx; `survived`: odd but maybe valid, must only not fail. */
  expect: "refused" | "survived";
}

/** Existing records the routes' parameters and bodies refer to (so bodies reach the validators). */
export interface FuzzIds {
  assistantId: string;
  threadId: string;
  runId: string;
  checkpointId: string;
}

/** What an MCP client accepts from a Streamable HTTP server. */
const MCP_ACCEPT = "application/json, text/event-stream";

/** Routes that ignore their body: fuzzed on unknown ids (404) so they do nothing. */
const BODILESS = new Set(["DELETE /assistants/:assistant_id", "DELETE /threads/:thread_id", "DELETE /threads/:thread_id/runs/:run_id", "POST /threads/:thread_id/copy", "POST /threads/:thread_id/runs/:run_id/cancel"]);
/** Free-form objects: any value inside is valid, so the fuzz does not turn their fields wrong. */
const FREE_FORM = new Set(["metadata", "configurable", "filter", "values", "value", "update"]);
/** Fields where a list is as valid as one string. */
const LIST_OK = new Set(["stream_mode", "goto", "feedback_keys"]);
const INTEGER_FIELDS = new Set(["limit", "offset", "version", "recursion_limit", "max_depth"]);
/** Path parameters that are free strings (an unknown one is an empty answer, not an error). */
const FREE_PARAMS = new Set(["GET /assistants/:assistant_id/subgraphs/:namespace namespace"]);
/** The stateless stream answers for a run whose record is gone (deleted on completion) from its retained events; an unknown id is an empty stream. */
const EMPTY_FOR_UNKNOWN = new Set(["GET /runs/:run_id/stream"]);
const ENUM_FIELDS = new Set(["if_exists", "sort_by", "sort_order", "status", "strategy", "stream_mode", "multitask_strategy", "on_disconnect", "if_not_exists", "on_completion", "kind"]);
const UNKNOWN_UUID = "0badc0de-0000-4000-8000-00000000f022";
const CREATED_UUID = "0badc0de-0000-4000-8000-0000000c4ea7";
// A literal ".." (or "%2e%2e") is resolved by the client's URL parser into another route; with more in the segment it reaches the server.
const BAD_PARAMS = ["not-a-uuid", "%2e%2e%5c", "%2e%2e%2f%2e%2e", "%00", "x".repeat(3000), "00000000-0000-0000-0000-00000000000g", "'%20OR%201=1--", "%F0%9F%92%A9", UNKNOWN_UUID];
const UNPARSABLE = ["{", '{"a":', "[1,2", "nul", '"unterminated', "{'a':1}", '{"a":1}}', "\u0000", "{\"a\":\"\\ud800\"", "[]]"];
const WRONG_TOP = ['"string"', "42", "true", "null"];

/** The family a route belongs to, for the report. */
export function routeFamily(path: string): string {
  if (/^\/(ok|info|metrics|health|ready|openapi\.json|docs)$/.test(path)) return "ops";
  if (path === "/mcp") return "mcp";
  if (path.startsWith("/assistants")) return "assistants";
  if (path.startsWith("/store")) return "store";
  if (path.startsWith("/runs")) return "stateless runs";
  if (path.endsWith("/trace")) return "traces";
  if (/\/(stream|join)$/.test(path)) return "streams";
  if (path.includes("/runs")) return "thread runs";
  if (/\/(state|history)/.test(path)) return "thread state";
  return "threads";
}

function runBody(ids: FuzzIds): Record<string, unknown> {
  return {
    assistant_id: "echo",
    metadata: { fuzz: true },
    config: { tags: ["fuzz"], recursion_limit: 5, configurable: {} },
    checkpoint: { checkpoint_id: ids.checkpointId },
    command: { goto: "echo", update: {} },
    stream_mode: "values",
    multitask_strategy: "reject",
    on_disconnect: "cancel",
    if_not_exists: "reject",
    after_seconds: 0,
    interrupt_before: ["echo"],
    stream_subgraphs: false,
  };
}

/** A body of the right shape per route, whose fields the fuzz turns wrong one at a time. */
function baseBodies(ids: FuzzIds): Record<string, unknown> {
  const run = runBody(ids);
  return {
    "POST /assistants": { graph_id: "echo", metadata: {}, config: { tags: [] }, name: "n", if_exists: "do_nothing" },
    "POST /assistants/search": { metadata: {}, graph_id: "echo", limit: 10, offset: 0, sort_by: "created_at", sort_order: "asc", select: ["assistant_id"] },
    "POST /assistants/count": { metadata: {}, graph_id: "echo" },
    "PATCH /assistants/:assistant_id": { metadata: {}, config: { recursion_limit: 5 }, name: "n" },
    "POST /assistants/:assistant_id/versions": { limit: 10, offset: 0, metadata: {} },
    "POST /assistants/:assistant_id/latest": { version: 1 },
    "POST /threads": { thread_id: CREATED_UUID, metadata: {}, if_exists: "raise", supersteps: [] },
    "POST /threads/search": { metadata: {}, values: {}, ids: [ids.threadId], status: "idle", limit: 10, offset: 0, sort_by: "created_at", sort_order: "asc", select: ["thread_id"] },
    "POST /threads/count": { metadata: {}, values: {}, status: "idle" },
    "PATCH /threads/:thread_id": { metadata: {} },
    "POST /threads/prune": { thread_ids: [UNKNOWN_UUID], strategy: "delete" },
    "POST /threads/:thread_id/state/checkpoint": { subgraphs: false, checkpoint: { checkpoint_id: ids.checkpointId } },
    "POST /threads/:thread_id/state": { values: {}, as_node: "echo", checkpoint: { checkpoint_id: ids.checkpointId } },
    "POST /threads/:thread_id/history": { limit: 10, before: ids.checkpointId, metadata: {}, checkpoint: { checkpoint_id: ids.checkpointId } },
    "POST /threads/:thread_id/runs": run,
    "POST /threads/:thread_id/runs/stream": run,
    "POST /threads/:thread_id/runs/wait": run,
    "POST /runs": run,
    "POST /runs/stream": run,
    "POST /runs/wait": run,
    "POST /runs/batch": [run],
    "POST /runs/cancel": { thread_id: ids.threadId, run_ids: [UNKNOWN_UUID], status: "pending" },
    "PUT /store/items": { namespace: ["fuzz"], key: "k", value: {}, index: false, ttl: 5 },
    "DELETE /store/items": { namespace: ["fuzz"], key: "k" },
    "POST /store/items/search": { namespace_prefix: ["fuzz"], filter: {}, limit: 10, offset: 0, query: "q" },
    "POST /store/namespaces": { prefix: ["fuzz"], suffix: ["fuzz"], max_depth: 2, limit: 10, offset: 0 },
  };
}

/** Bad query strings per route. */
const BAD_QUERIES: Record<string, string[]> = {
  "GET /threads/:thread_id/runs": ["limit=-1", "limit=x", "offset=-5", "status=bogus"],
  "GET /threads/:thread_id/state": ["subgraphs=maybe"],
  "GET /threads/:thread_id/state/:checkpoint_id": ["subgraphs=maybe"],
  "GET /threads/:thread_id/history": ["limit=x", "limit=0", `before=${"x".repeat(300)}`],
  "GET /store/items": ["namespace=..&key=k", "namespace=a..b&key=k", "namespace=a%00b&key=k", "key=k", "namespace=fuzz", "namespace=fuzz&key=", "namespace=a%3Ab&key=k"],
  "GET /assistants/:assistant_id/graph": ["xray=x", "xray=-1"],
  "GET /assistants/:assistant_id/subgraphs": ["recurse=perhaps"],
  "GET /threads/:thread_id/runs/:run_id/trace": ["format=xml"],
  "GET /threads/:thread_id/runs/:run_id/stream": ["stream_mode=bogus"],
  "POST /threads/:thread_id/runs/:run_id/cancel": ["wait=maybe", "action=explode"],
};

/** Values of another JSON type than `value` (and out-of-range numbers, unknown enum members). */
function wrongValues(field: string, value: unknown): unknown[] {
  if (typeof value === "string") return [5, ...(LIST_OK.has(field) ? [] : [[]]), {}, ...(ENUM_FIELDS.has(field) ? ["not-a-member"] : [])];
  if (typeof value === "number") return ["x", [], {}, -1, ...(INTEGER_FIELDS.has(field) ? [1.5] : [])];
  if (typeof value === "boolean") return ["x", 5];
  if (Array.isArray(value)) return ["x", 5, {}];
  return ["x", 5, []];
}

/** Every field of `body` (nested objects one level down too) set to a wrong value, one at a time. */
function fieldMutations(body: Record<string, unknown>): [string, unknown][] {
  const out: [string, unknown][] = [];
  for (const [field, value] of Object.entries(body)) {
    for (const wrong of wrongValues(field, value)) out.push([field, { ...body, [field]: wrong }]);
    if (value && typeof value === "object" && !Array.isArray(value) && !FREE_FORM.has(field)) {
      for (const [inner, innerValue] of Object.entries(value)) {
        if (innerValue && typeof innerValue === "object" && !Array.isArray(innerValue) && Object.keys(innerValue).length === 0) continue;
        for (const wrong of wrongValues(inner, innerValue)) out.push([`${field}.${inner}`, { ...body, [field]: { ...(value as object), [inner]: wrong } }]);
      }
    }
  }
  return out;
}

function deep(levels: number, open: string, close: string): string {
  return `${open.repeat(levels)}1${close.repeat(levels)}`;
}

/** Every fuzz case for the mounted `routes` ("METHOD /path"), with `ids` of existing records; `bodyLimit` in bytes. */
export function httpFuzzCases(routes: string[], ids: FuzzIds, bodyLimit: number): HttpFuzzCase[] {
  const cases: HttpFuzzCase[] = [];
  const bases = baseBodies(ids);
  const known: Record<string, string> = { assistant_id: ids.assistantId, thread_id: ids.threadId, run_id: ids.runId, checkpoint_id: ids.checkpointId, namespace: "fuzz" };
  const fill = (path: string, values: Record<string, string>) => path.replace(/:(\w+)/g, (_match, name: string) => values[name] ?? UNKNOWN_UUID);
  for (const route of routes) {
    const [method, template] = route.split(" ") as [string, string];
    const family = routeFamily(template);
    const add = (name: string, path: string, expect: HttpFuzzCase["expect"], body?: string, contentType = "application/json") =>
      cases.push({ family, route, name, method, path, expect, ...(body !== undefined ? { body, contentType } : {}), ...(family === "mcp" ? { accept: MCP_ACCEPT } : {}) });
    const params = [...template.matchAll(/:(\w+)/g)].map((match) => match[1]!);
    for (const param of params) {
      for (const bad of BAD_PARAMS) {
        const lenient = FREE_PARAMS.has(`${route} ${param}`) || (bad === UNKNOWN_UUID && EMPTY_FOR_UNKNOWN.has(route));
        add(`${param}=${bad.slice(0, 24)}`, fill(template, { ...known, [param]: bad }), lenient ? "survived" : "refused", method === "GET" ? undefined : "{}");
      }
    }
    for (const query of BAD_QUERIES[route] ?? []) add(`?${query.slice(0, 40)}`, `${fill(template, known)}?${query}`, "refused");
    // Routes without parameters or queries of their own ignore unknown ones.
    if (params.length === 0) add("unknown query junk", `${template}?limit=-1&x=%00&__proto__=1`, "survived");
    if (method === "GET") continue;
    // Routes that ignore bodies would act on real ids: their body cases use unknown ids (404).
    const path = BODILESS.has(route) ? fill(template, {}) : fill(template, known);
    for (const text of UNPARSABLE) add(`unparsable ${JSON.stringify(text).slice(0, 20)}`, path, "refused", text);
    for (const text of WRONG_TOP) add(`top-level ${text}`, path, "refused", text);
    add("objects 10,000 deep", path, "refused", `{"metadata":${deep(10_000, '{"a":', "}")}}`);
    add("arrays 10,000 deep", path, "refused", `[${deep(10_000, "[", "]")}]`);
    add("over the body limit", path, "refused", JSON.stringify({ metadata: { blob: "x".repeat(bodyLimit + 1024) } }));
    const base = bases[route];
    if (base !== undefined) {
      const object = (Array.isArray(base) ? base[0] : base) as Record<string, unknown>;
      for (const [field, mutated] of fieldMutations(object)) add(describeWrong(field, mutated), path, "refused", JSON.stringify(Array.isArray(base) ? [mutated] : mutated));
      add("prototype keys", path, "survived", JSON.stringify({ ...object, metadata: JSON.parse('{"__proto__":{"polluted":1},"constructor":{"prototype":{"polluted":1}}}') }));
      add("lone surrogate strings", path, "survived", JSON.stringify(object).replace(/"fuzz"/g, '"\\ud800fuzz"'));
    }
    add("empty body", path, "survived", "");
    add("text/plain body", path, "survived", "{}", "text/plain");
  }
  return cases;
}

function describeWrong(field: string, mutated: unknown): string {
  const value = field.split(".").reduce<unknown>((current, key) => (current as Record<string, unknown>)?.[key], mutated);
  return `${field} = ${JSON.stringify(value)}`;
}
