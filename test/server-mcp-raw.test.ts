/**
 * `/mcp` from clients other than the SDK's Client: raw JSON-RPC over HTTP as curl, the MCP
 * Inspector or another language's SDK sends it (initialize, the initialized notification, ping,
 * tools/list with a cursor, unknown methods, batches), and clients whose Accept header names only
 * JSON, only SSE, anything, or nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDemoModel, staticModels } from "../agents/index.js";
import { GRAPHS } from "../graphs/index.js";
import { createApp } from "../server/app.js";
import type { GraphRegistry } from "../server/graphs/registry.js";
import { startTestServer, type TestServer } from "./support/server.js";

type Rpc = { jsonrpc: "2.0"; id?: number | string | null; result?: Record<string, unknown>; error?: { code: number; message: string } };
const BOTH = "application/json, text/event-stream";

describe("/mcp: raw JSON-RPC clients", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ graphDeps: { models: staticModels(createDemoModel()) } });
  }, 60_000);
  afterAll(async () => {
    await server?.close();
  });

  const post = (body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${server.url}/mcp`, { method: "POST", headers: { "content-type": "application/json", accept: BOTH, ...headers }, body: JSON.stringify(body) });
  const rpc = async (body: unknown, headers: Record<string, string> = {}) => {
    const response = await post(body, headers);
    expect(response.headers.get("content-type")).toMatch(/^application\/json/);
    return (await response.json()) as Rpc;
  };

  it("answers a session of raw messages as the protocol says", async () => {
    const init = await rpc({ jsonrpc: "2.0", id: 1, method: "initialize", params: { protocolVersion: "2025-03-26", capabilities: {}, clientInfo: { name: "curl", version: "0" } } });
    expect(init.result).toMatchObject({ protocolVersion: "2025-03-26", capabilities: { tools: {} }, serverInfo: { name: "switchboard" } });
    const initialized = await post({ jsonrpc: "2.0", method: "notifications/initialized" }, { "mcp-protocol-version": "2025-03-26" });
    expect(initialized.status).toBe(202);
    expect(await rpc({ jsonrpc: "2.0", id: "p", method: "ping" })).toEqual({ jsonrpc: "2.0", id: "p", result: {} });
    const listed = await rpc({ jsonrpc: "2.0", id: 2, method: "tools/list", params: { cursor: "anything" } }, { "mcp-protocol-version": "2025-06-18" });
    expect((listed.result!.tools as { name: string }[]).map((tool) => tool.name)).toEqual(GRAPHS.map((graph) => graph.id));
    expect((await rpc({ jsonrpc: "2.0", id: 3, method: "resources/list" })).error?.code).toBe(-32601);
    expect((await rpc({ jsonrpc: "2.0", id: 4, method: "no/such" })).error?.code).toBe(-32601);
    const unknownTool = await rpc({ jsonrpc: "2.0", id: 5, method: "tools/call", params: { name: "nope", arguments: {} } });
    expect(unknownTool.error).toMatchObject({ code: -32602, message: expect.stringContaining("Unknown tool nope") });
    const badArgs = await rpc({ jsonrpc: "2.0", id: 6, method: "tools/call", params: { name: "agent", arguments: { messages: 5 } } });
    expect(badArgs.error).toMatchObject({ code: -32602, message: expect.stringContaining("Invalid arguments for tool agent") });
    expect(await rpc({ jsonrpc: "2.0", id: 0, method: "ping" }, { "content-type": "application/json; charset=utf-8" })).toEqual({ jsonrpc: "2.0", id: 0, result: {} });
    const onlyNotifications = await post([{ jsonrpc: "2.0", method: "notifications/initialized" }, { jsonrpc: "2.0", method: "notifications/cancelled", params: { requestId: 1 } }]);
    expect(onlyNotifications.status).toBe(202);
    const unsupported = await post({ jsonrpc: "2.0", id: 7, method: "ping" }, { "mcp-protocol-version": "1999-01-01" });
    expect(unsupported.status).toBe(400);
  });

  it("answers a batch (protocol 2025-03-26) with one response per request", async () => {
    const response = await post([
      { jsonrpc: "2.0", id: 1, method: "ping" },
      { jsonrpc: "2.0", method: "notifications/initialized" },
      { jsonrpc: "2.0", id: 2, method: "tools/list" },
    ]);
    const answers = (await response.json()) as Rpc[];
    expect(answers.map((answer) => answer.id)).toEqual([1, 2]);
    expect((answers[1]!.result!.tools as unknown[]).length).toBe(GRAPHS.length);
  });

  it("answers in JSON a client that takes JSON only, anything, or says nothing", async () => {
    for (const accept of ["application/json", "*/*", "application/json;q=0.9", ""]) {
      const response = await post({ jsonrpc: "2.0", id: 1, method: "ping" }, { accept });
      expect(response.status, `Accept: ${accept}`).toBe(200);
      expect(await response.json()).toEqual({ jsonrpc: "2.0", id: 1, result: {} });
    }
  });

  it("answers in SSE a client that takes only an event stream", async () => {
    const response = await post({ jsonrpc: "2.0", id: 9, method: "tools/list" }, { accept: "text/event-stream" });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^text\/event-stream/);
    const data = (await response.text()).split("\n").find((line) => line.startsWith("data: "));
    const answer = JSON.parse(data!.slice("data: ".length)) as Rpc;
    expect(answer.id).toBe(9);
    expect((answer.result!.tools as unknown[]).length).toBe(GRAPHS.length);
  });

  it("lists the other tools when one assistant's graph cannot be built", async () => {
    const { graphs } = server.runtime.deps;
    const failing = new Proxy(graphs, {
      get(target, property) {
        if (property === "resolve") return (id: string, ...rest: []) => (id === "planner" ? Promise.reject(new Error("factory failed")) : target.resolve(id, ...rest));
        const value = Reflect.get(target, property, target) as unknown;
        return typeof value === "function" ? (value as (...args: unknown[]) => unknown).bind(target) : value;
      },
    }) as GraphRegistry;
    const app = createApp({ ...server.runtime.deps, graphs: failing });
    const response = await app.request("/mcp", { method: "POST", headers: { "content-type": "application/json", accept: BOTH }, body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/list" }) });
    const { result } = (await response.json()) as Rpc;
    expect((result!.tools as { name: string }[]).map((tool) => tool.name)).toEqual(GRAPHS.map((graph) => graph.id).filter((id) => id !== "planner"));
  });

  it("refuses GET and DELETE with 405, as the reference's stateless /mcp does", async () => {
    for (const method of ["GET", "DELETE"]) {
      const response = await fetch(`${server.url}/mcp`, { method, headers: { accept: "text/event-stream" } });
      expect(response.status).toBe(405);
      expect(response.headers.get("allow")).toBe("POST");
    }
  });
});
