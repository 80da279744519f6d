/**
 * `/mcp` through the MCP SDK's own client (Streamable HTTP) against the server on a port, on the
 * offline demo's scripted model: one tool per assistant with the graph's input schema, a call and
 * its continuation on the same thread, owners who cannot reach each other's threads or
 * assistants, bad arguments as MCP errors, and a run paused for approval, resumed through MCP.
 */
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { ErrorCode, McpError } from "@modelcontextprotocol/sdk/types.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDemoModel, staticModels } from "../agents/index.js";
import { GRAPHS } from "../graphs/index.js";
import { converse } from "../examples/mcp-client.js";
import { createApp } from "../server/app.js";
import { startTestServer, type TestServer } from "./support/server.js";

const PROJECT_CONFIG = new URL("./fixtures/project/langgraph.json", import.meta.url).pathname;

const ALICE = "alice-key-0123456789abcdef";
const BOB = "bob-key-0123456789abcdef00";
type Turn = { thread_id: string; run_id: string; assistant_id: string; status: string; answer: string; interrupts?: unknown[] };
const ask = (content: string, extra: Record<string, unknown> = {}) => ({ messages: [{ role: "user", content }], ...extra });

async function connectTo(url: string, key: string | null, clients: Client[]): Promise<Client> {
  const client = new Client({ name: "switchboard-test", version: "1.0.0" });
  const headers: Record<string, string> = key ? { Authorization: `Bearer ${key}` } : {};
  await client.connect(new StreamableHTTPClientTransport(new URL(`${url}/mcp`), { requestInit: { headers } }));
  clients.push(client);
  return client;
}

async function call(client: Client, name: string, args: Record<string, unknown>) {
  const result = await client.callTool({ name, arguments: args });
  return { result, turn: result.structuredContent as Turn, text: (result.content as { text: string }[])[0]!.text };
}

async function mcpError(promise: Promise<unknown>): Promise<McpError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(McpError);
  return error as McpError;
}

describe("/mcp: every assistant as an MCP tool", () => {
  let server: TestServer;
  const clients: Client[] = [];

  const connect = (key: string | null) => connectTo(server.url, key, clients);

  beforeAll(async () => {
    server = await startTestServer({ apiKeys: `${ALICE}:alice,${BOB}:bob`, graphDeps: { models: staticModels(createDemoModel()) } });
  }, 60_000);
  afterAll(async () => {
    for (const client of clients) await client.close();
    await server?.close();
  });

  it("lists one tool per assistant the caller sees, with the graph's input schema and the thread arguments", async () => {
    const alice = await connect(ALICE);
    const bob = await connect(BOB);
    await server.client(BOB).assistants.create({ graphId: "agent", name: "bobs helper", description: "Bob's own agent" });
    const { tools } = await alice.listTools();
    expect(tools.map((tool) => tool.name)).toEqual(GRAPHS.map((graph) => graph.id));
    for (const tool of tools) {
      const properties = tool.inputSchema.properties as Record<string, Record<string, unknown>>;
      expect(properties.messages).toMatchObject({ type: "array", langgraph_type: "messages" });
      expect(properties.limits).toBeDefined();
      expect(properties.thread_id).toMatchObject({ type: "string" });
      expect(tool.outputSchema?.required).toEqual(expect.arrayContaining(["thread_id", "run_id"]));
      expect(tool.description?.length).toBeGreaterThan(0);
    }
    const bobs = (await bob.listTools()).tools;
    expect(bobs.map((tool) => tool.name)).toEqual([...GRAPHS.map((graph) => graph.id), "bobs_helper"]);
    expect(bobs.at(-1)!.description).toBe("Bob's own agent");
    // SERVER_MCP_TOOLS=graphs: only each graph's own assistant (an app on the same runtime, reached without a port).
    const graphsOnly = createApp({ ...server.runtime.deps, mcpTools: "graphs" });
    const narrow = new Client({ name: "switchboard-test", version: "1.0.0" });
    const fetch = (url: string | URL, init?: RequestInit) => Promise.resolve(graphsOnly.request(String(url), init));
    await narrow.connect(new StreamableHTTPClientTransport(new URL("http://in-process/mcp"), { fetch, requestInit: { headers: { Authorization: `Bearer ${BOB}` } } }));
    clients.push(narrow);
    expect((await narrow.listTools()).tools.map((tool) => tool.name)).toEqual(GRAPHS.map((graph) => graph.id));
  });

  it("runs a call to its final answer and continues the same thread with thread_id", async () => {
    const alice = await connect(ALICE);
    const first = await call(alice, "agent", ask("What is 17 * 23?"));
    expect(first.result.isError).toBeFalsy();
    expect(first.turn).toMatchObject({ status: "success", assistant_id: expect.any(String) });
    expect(first.turn.answer).toMatch(/^\[offline demo\] Done: What is 17/);
    expect(first.text).toBe(first.turn.answer);
    const second = await call(alice, "agent", ask("And times 10?", { thread_id: first.turn.thread_id }));
    expect(second.turn.thread_id).toBe(first.turn.thread_id);
    expect(second.turn.run_id).not.toBe(first.turn.run_id);
    const state = await server.client(ALICE).threads.getState<{ messages: { content: unknown }[] }>(first.turn.thread_id);
    const said = state.values.messages.map((message) => message.content);
    expect(said).toEqual(expect.arrayContaining(["What is 17 * 23?", "And times 10?"]));
    const runs = await server.client(ALICE).runs.list(first.turn.thread_id);
    expect(runs.map((run) => run.run_id).sort()).toEqual([first.turn.run_id, second.turn.run_id].sort());
  });

  it("keeps owners apart: another owner's thread is unknown, as is their assistant", async () => {
    const alice = await connect(ALICE);
    const bob = await connect(BOB);
    const { turn } = await call(alice, "agent", ask("What is 2 + 2?"));
    const refused = await mcpError(call(bob, "agent", ask("Tell me what Alice asked.", { thread_id: turn.thread_id })));
    expect(refused.code).toBe(ErrorCode.InvalidParams);
    expect(refused.message).toContain(`Thread with ID ${turn.thread_id} not found`);
    expect(await server.client(ALICE).runs.list(turn.thread_id)).toHaveLength(1);
    await mcpError(call(alice, "bobs_helper", ask("hi")));
    await expect(connect(null)).rejects.toThrow(/401|unauthorized/i);
  });

  it("answers bad arguments with an MCP error and runs nothing", async () => {
    const alice = await connect(ALICE);
    const before = (await server.client(ALICE).threads.search({ limit: 1000 })).length;
    for (const args of [{ messages: "not a list" }, { messages: [{ role: "user" }] }, { ...ask("hi"), thread_id: "not-a-uuid" }, { ...ask("hi"), resume: { decision: "approve" } }]) {
      const error = await mcpError(call(alice, "agent", args));
      expect(error.code, JSON.stringify(args)).toBe(ErrorCode.InvalidParams);
      expect(error.message).toMatch(/^MCP error -32602: Invalid arguments for tool agent: /);
    }
    expect((await mcpError(call(alice, "no_such_graph", ask("hi")))).message).toMatch(/Unknown tool no_such_graph; the tools are supervisor/);
    expect((await server.client(ALICE).threads.search({ limit: 1000 })).length).toBe(before);
  });

  it("answers a run paused for approval with how to resume it, and resumes it through the tool", async () => {
    const alice = await connect(ALICE);
    const paused = await call(alice, "agent", ask("notify the team by webhook"));
    expect(paused.turn.status).toBe("paused");
    expect(paused.turn.interrupts?.[0]).toMatchObject({ type: "tool_approval", tool: "send_webhook" });
    expect(paused.text).toContain(`thread_id "${paused.turn.thread_id}" and resume {"decision": "approve"}`);
    expect(paused.text).toContain(`POST /threads/${paused.turn.thread_id}/runs/wait`);
    expect((await server.client(ALICE).threads.get(paused.turn.thread_id)).status).toBe("interrupted");
    const done = await call(alice, "agent", { thread_id: paused.turn.thread_id, resume: { decision: "reject", reason: "not today" } });
    expect(done.turn).toMatchObject({ status: "success", thread_id: paused.turn.thread_id });
    const state = await server.client(ALICE).threads.getState<{ status: string }>(paused.turn.thread_id);
    expect(state.values.status).toBe("rejected");
  });

  it("refuses GET and DELETE (no sessions, no server stream) with 405", async () => {
    for (const method of ["GET", "DELETE"]) {
      const response = await fetch(`${server.url}/mcp`, { method, headers: { Authorization: `Bearer ${ALICE}` } });
      expect(response.status).toBe(405);
      expect(((await response.json()) as { error: { message: string } }).error.message).toMatch(/stateless/);
    }
  });

  it("the README's example client converses over MCP", async () => {
    const { tools, turns } = await converse(`${server.url}/mcp`, "agent", ["What is 6 * 7?", "And plus one?"], BOB);
    expect(tools).toContain("agent");
    expect(turns).toHaveLength(2);
    expect(turns[1]!.thread_id).toBe(turns[0]!.thread_id);
  });
});

describe("/mcp under a project's Auth (langgraph.json auth.path)", () => {
  let server: TestServer;
  const clients: Client[] = [];

  beforeAll(async () => {
    server = await startTestServer({ configPath: PROJECT_CONFIG });
  }, 60_000);
  afterAll(async () => {
    for (const client of clients) await client.close();
    await server?.close();
  });

  it("holds tool calls to the project's handlers: a user continues only their own threads", async () => {
    const alice = await connectTo(server.url, "user-a", clients);
    const bob = await connectTo(server.url, "user-b", clients);
    const first = await call(alice, "typed", { messages: ["one"], mood: "calm" });
    expect(first.turn.status).toBe("success");
    const threadOf = async (user: string) => fetch(`${server.url}/threads/${first.turn.thread_id}`, { headers: { Authorization: `Bearer ${user}` } });
    expect(await (await threadOf("user-a")).json()).toMatchObject({ metadata: { owner: "user-a" } });
    expect((await threadOf("user-b")).status).toBe(404);
    await mcpError(call(bob, "typed", { messages: ["mine now"], mood: "loud", thread_id: first.turn.thread_id }));
    const again = await call(alice, "typed", { messages: ["two"], mood: "loud", thread_id: first.turn.thread_id });
    const output = JSON.parse(again.turn.answer) as { mood: string; messages: { content: string }[] };
    expect(output.mood).toBe("loud");
    expect(output.messages.map((message) => message.content)).toEqual(["one", "two"]);
    expect((await mcpError(call(alice, "typed", { messages: [], mood: "angry" }))).code).toBe(ErrorCode.InvalidParams);
    await expect(connectTo(server.url, "stranger", clients)).rejects.toThrow(/401|Unknown user/);
  });
});
