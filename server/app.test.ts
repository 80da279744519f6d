/**
 * The HTTP contract through `app.request()` (embedded mode, fixture graphs): bad input is always
 * a 4xx with `{ error, message }`, owners are isolated (404, never 403), every response carries a
 * request id, and ops routes answer.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Hono } from "hono";
import { parseEnv } from "../lib/env.js";
import { silentLogger } from "../lib/logger.js";
import { createApp } from "./app.js";
import { buildServerRuntime, type ServerRuntime } from "./runtime.js";

const CONFIG = new URL("../test/fixtures/server/langgraph.json", import.meta.url).pathname;
const ALICE = "alice-key-0123456789abcdef";
const BOB = "bob-key-0123456789abcdef00";

describe("server HTTP contract", () => {
  let runtime: ServerRuntime;
  let app: Hono;

  beforeAll(async () => {
    const env = parseEnv({ SERVER_API_KEYS: `${ALICE}:alice,${BOB}:bob`, SERVER_BODY_LIMIT_BYTES: "4096", SERVER_CORS_ORIGINS: "https://studio.example" });
    runtime = await buildServerRuntime(env, silentLogger(), { configPath: CONFIG });
    await runtime.deps.queue.startWorker(runtime.handler, { concurrency: 4 });
    app = createApp(runtime.deps);
  });
  afterAll(async () => {
    await runtime.deps.queue.close();
    await runtime.close();
  });

  const call = (path: string, init: RequestInit & { key?: string | null; json?: unknown } = {}) => {
    const headers = new Headers(init.headers);
    if (init.key !== null) headers.set("authorization", `Bearer ${init.key ?? ALICE}`);
    if (init.json !== undefined) headers.set("content-type", "application/json");
    return app.request(path, { ...init, headers, ...(init.json !== undefined ? { body: JSON.stringify(init.json) } : {}) });
  };

  const expectClientError = async (response: Response, status: number) => {
    expect(response.status).toBe(status);
    const body = (await response.json()) as { error: string; message: string };
    expect(typeof body.error).toBe("string");
    expect(body.message.length).toBeGreaterThan(0);
    expect(response.headers.get("x-request-id")).toBeTruthy();
  };

  it("documents in /openapi.json every route the app mounts, and nothing it does not", async () => {
    const openapi = (await (await call("/openapi.json", { key: null })).json()) as { paths: Record<string, Record<string, unknown>> };
    const documented = Object.entries(openapi.paths).flatMap(([path, operations]) => Object.keys(operations).map((method) => `${method.toUpperCase()} ${path}`));
    // Middleware is mounted for ALL methods; routes use Hono's `:param`, OpenAPI `{param}`.
    const mounted = app.routes.filter((route) => route.method !== "ALL").map((route) => `${route.method} ${route.path.replace(/:(\w+)/g, "{$1}")}`);
    expect(mounted.length).toBeGreaterThan(50);
    expect([...new Set(mounted)].sort()).toEqual([...new Set(documented)].sort());
    expect(documented).toHaveLength(new Set(documented).size);
  });

  it("answers /ok, /info, /openapi.json, /docs and /metrics without a key", async () => {
    expect((await call("/ok", { key: null })).status).toBe(200);
    expect(((await (await call("/info", { key: null })).json()) as { flags: { assistants: boolean } }).flags.assistants).toBe(true);
    const openapi = (await (await call("/openapi.json", { key: null })).json()) as { paths: Record<string, unknown> };
    expect(Object.keys(openapi.paths)).toContain("/threads/{thread_id}/runs/wait");
    expect(await (await call("/docs", { key: null })).text()).toContain("openapi.json");
    await call("/runs/wait", { method: "POST", json: { assistant_id: "echo", input: { messages: [] } } });
    const metrics = await (await call("/metrics", { key: null })).text();
    expect(metrics).toMatch(/switchboard_runs_total\{status="success",graph_id="echo"\} [1-9]/);
    expect(metrics).toContain("switchboard_queue_depth");
    expect(metrics).toContain("switchboard_run_duration_seconds_bucket");
  });

  it("keeps the caller's request id and adds one otherwise", async () => {
    expect((await call("/ok", { headers: { "x-request-id": "req-42" } })).headers.get("x-request-id")).toBe("req-42");
    expect((await call("/ok")).headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("leaves out the route groups langgraph.json's http options disable", async () => {
    const trimmed = createApp({ ...runtime.deps, http: { disable_store: true, disable_assistants: false, disable_threads: false, disable_runs: false, disable_meta: true, disable_mcp: true, disable_ui: false } });
    const headers = { authorization: `Bearer ${ALICE}`, "content-type": "application/json" };
    expect((await trimmed.request("/store/namespaces", { method: "POST", headers, body: "{}" })).status).toBe(404);
    expect((await trimmed.request("/info")).status).toBe(404);
    expect((await trimmed.request("/mcp", { method: "POST", headers, body: "{}" })).status).toBe(404);
    // Mounted on the full app: `{}` reaches the MCP transport, which refuses it as no JSON-RPC message.
    expect((await app.request("/mcp", { method: "POST", headers, body: "{}" })).status).toBe(400);
    expect((await trimmed.request("/threads/search", { method: "POST", headers, body: "{}" })).status).toBe(200);
  });

  it("answers CORS preflights for the configured origin", async () => {
    const response = await app.request("/threads", { method: "OPTIONS", headers: { origin: "https://studio.example", "access-control-request-method": "POST", "access-control-request-private-network": "true" } });
    expect(response.headers.get("access-control-allow-origin")).toBe("https://studio.example");
    expect(response.headers.get("access-control-allow-private-network")).toBe("true");
    const other = await app.request("/threads", { method: "OPTIONS", headers: { origin: "https://evil.example", "access-control-request-method": "POST" } });
    expect(other.headers.get("access-control-allow-origin")).toBeNull();
  });

  it("refuses missing and unknown keys with 401", async () => {
    await expectClientError(await call("/threads", { method: "POST", json: {}, key: null }), 401);
    await expectClientError(await call("/threads", { method: "POST", json: {}, key: "nope-nope-nope-nope" }), 401);
    expect((await call("/threads", { method: "POST", json: {}, headers: { "x-api-key": ALICE }, key: null })).status).toBe(200);
  });

  it("isolates owners: another owner's thread, runs, state and store items are 404", async () => {
    const thread = (await (await call("/threads", { method: "POST", json: { metadata: { who: "alice" } } })).json()) as { thread_id: string };
    const run = (await (await call(`/threads/${thread.thread_id}/runs`, { method: "POST", json: { assistant_id: "echo", input: { messages: [] } } })).json()) as { run_id: string };
    await call(`/threads/${thread.thread_id}/runs/${run.run_id}/join`);
    for (const path of [`/threads/${thread.thread_id}`, `/threads/${thread.thread_id}/state`, `/threads/${thread.thread_id}/history`, `/threads/${thread.thread_id}/runs`, `/threads/${thread.thread_id}/runs/${run.run_id}`]) {
      await expectClientError(await call(path, { key: BOB }), 404);
    }
    await expectClientError(await call(`/threads/${thread.thread_id}/runs`, { method: "POST", key: BOB, json: { assistant_id: "echo", input: {} } }), 404);
    await expectClientError(await call(`/threads/${thread.thread_id}`, { method: "DELETE", key: BOB }), 404);
    const bobs = (await (await call("/threads/search", { method: "POST", key: BOB, json: {} })).json()) as unknown[];
    expect(bobs).toEqual([]);
    // Pruning another owner's thread counts nothing and leaves it.
    expect(await (await call("/threads/prune", { method: "POST", key: BOB, json: { thread_ids: [thread.thread_id] } })).json()).toEqual({ pruned_count: 0 });
    expect((await call(`/threads/${thread.thread_id}`)).status).toBe(200);
    await call("/store/items", { method: "PUT", json: { namespace: ["notes"], key: "k", value: { secret: 1 } } });
    const bobsItem = await call("/store/items?namespace=notes&key=k", { key: BOB });
    expect([bobsItem.status, await bobsItem.json()]).toEqual([200, null]);
    const search = (await (await call("/store/items/search", { method: "POST", key: BOB, json: { namespace_prefix: [] } })).json()) as { items: unknown[] };
    expect(search.items).toEqual([]);
    expect((await call("/store/items?namespace=notes&key=k")).status).toBe(200);
  });

  it("turns bad input into 4xx, never 500", async () => {
    const cases: [string, RequestInit & { json?: unknown }, number][] = [
      ["/threads", { method: "POST", body: "{not json", headers: { "content-type": "application/json" } }, 400],
      ["/threads", { method: "POST", json: { thread_id: "not-a-uuid" } }, 422],
      ["/threads", { method: "POST", json: { metadata: "string" } }, 422],
      ["/threads", { method: "POST", json: [1, 2, 3] }, 422],
      ["/threads/not-a-uuid", { method: "GET" }, 422],
      ["/threads/00000000-0000-4000-8000-000000000000", { method: "GET" }, 404],
      ["/threads/00000000-0000-4000-8000-000000000000/runs/wait", { method: "POST", json: { assistant_id: "echo" } }, 404],
      ["/threads/00000000-0000-4000-8000-000000000000/runs/00000000-0000-4000-8000-000000000001", { method: "GET" }, 404],
      ["/runs/wait", { method: "POST", json: { assistant_id: "no-such-graph" } }, 404],
      ["/runs/wait", { method: "POST", json: { assistant_id: 42 } }, 422],
      ["/runs/wait", { method: "POST", json: { assistant_id: "echo", stream_mode: "bogus" } }, 422],
      ["/runs/wait", { method: "POST", json: { assistant_id: "echo", multitask_strategy: "sometimes" } }, 422],
      ["/runs/wait", { method: "POST", json: { assistant_id: "echo", config: { recursion_limit: -1 } } }, 422],
      ["/runs/stream", { method: "POST", json: {} }, 422],
      ["/assistants/search", { method: "POST", json: { limit: "ten" } }, 422],
      ["/assistants/nope", { method: "GET" }, 404],
      ["/assistants", { method: "POST", json: { graph_id: "missing" } }, 404],
      ["/threads/search", { method: "POST", json: { limit: 100000 } }, 422],
      ["/store/items", { method: "PUT", json: { namespace: ["a.b"], key: "k", value: {} } }, 422],
      ["/store/items", { method: "PUT", json: { namespace: [], key: "k", value: {} } }, 422],
      ["/store/items?namespace=a", { method: "GET" }, 422],
      ["/threads", { method: "POST", json: { metadata: { big: "x".repeat(10_000) } } }, 413],
      ["/no/such/route", { method: "GET" }, 404],
    ];
    for (const [path, init, status] of cases) {
      const response = await call(path, init);
      expect(response.status, `${init.method} ${path}`).toBe(status);
      await expectClientError(response, status);
    }
  });

  it("rejects a second run on a busy thread and a state update while busy with 409", async () => {
    const thread = (await (await call("/threads", { method: "POST", json: {} })).json()) as { thread_id: string };
    const slow = { assistant_id: "slow", input: { label: "x" }, config: { configurable: { steps: 50, delayMs: 20 } } };
    const run = (await (await call(`/threads/${thread.thread_id}/runs`, { method: "POST", json: slow })).json()) as { run_id: string };
    await expectClientError(await call(`/threads/${thread.thread_id}/runs`, { method: "POST", json: slow }), 409);
    await expectClientError(await call(`/threads/${thread.thread_id}/state`, { method: "POST", json: { values: { label: "y" } } }), 409);
    await expectClientError(await call(`/threads/${thread.thread_id}/runs/${run.run_id}`, { method: "DELETE" }), 409);
    expect((await call(`/threads/${thread.thread_id}/runs/${run.run_id}/cancel?wait=1`, { method: "POST" })).status).toBe(204);
    expect((await call(`/threads/${thread.thread_id}/runs/${run.run_id}`, { method: "DELETE" })).status).toBe(204);
  });

  it("a run whose graph throws ends in error: __error__ from runs/wait, error statuses, an error event", async () => {
    const thread = (await (await call("/threads", { method: "POST", json: {} })).json()) as { thread_id: string };
    const response = await call(`/threads/${thread.thread_id}/runs/wait`, { method: "POST", json: { assistant_id: "failing", input: { n: 1 } } });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ __error__: { error: "Error", message: "the node exploded" } });
    const runs = (await (await call(`/threads/${thread.thread_id}/runs`)).json()) as { run_id: string; status: string }[];
    expect(runs[0]?.status).toBe("error");
    expect(((await (await call(`/threads/${thread.thread_id}`)).json()) as { status: string }).status).toBe("error");
    const stream = await (await call(`/threads/${thread.thread_id}/runs/${runs[0]!.run_id}/stream`)).text();
    expect(stream).toContain("event: error");
  });
  it("records each run's trace: GET /threads/:thread_id/runs/:run_id/trace for its owner only, cost in /metrics", async () => {
    const thread = (await (await call("/threads", { method: "POST", json: {} })).json()) as { thread_id: string };
    const created = await call(`/threads/${thread.thread_id}/runs`, { method: "POST", json: { assistant_id: "echo", input: { messages: [{ role: "user", content: "hi" }] } } });
    const run = (await created.json()) as { run_id: string };
    await call(`/threads/${thread.thread_id}/runs/${run.run_id}/join`);
    const path = `/threads/${thread.thread_id}/runs/${run.run_id}/trace`;

    const response = await call(path);
    expect(response.status).toBe(200);
    const trace = (await response.json()) as { runId: string; threadId: string; graphId: string; owner: string; terminalState: string | null; root: { name: string; children: { name: string; kind: string }[] } };
    expect(trace).toMatchObject({ runId: run.run_id, threadId: thread.thread_id, graphId: "echo", owner: "alice" });
    expect(trace.root.name).toBe("echo");
    expect(trace.root.children).toEqual([expect.objectContaining({ name: "echo", kind: "node", status: "ok" })]);
    expect(await (await call(`${path}?format=text`)).text()).toContain("echo");

    await expectClientError(await call(path, { key: BOB }), 404);
    await expectClientError(await call(`/threads/${thread.thread_id}/runs/00000000-0000-4000-8000-000000000000/trace`), 404);
    expect(await (await call("/metrics", { key: null })).text()).toMatch(/switchboard_run_cost_usd_count\{graph_id="echo",terminal_state="[a-z]+"\} [1-9]/);
  });
});
