/**
 * MCP servers as tool sources: a real MCP server written with the SDK (test/fixtures/mcp), over
 * stdio (a child process) and Streamable HTTP (in-process, loopback), offered to the `agent`
 * graph's assistant by the config's `agents` table. The model is the real ChatOpenAI client
 * against the OpenAI-compatible stub; the calls go through Switchboard's executor.
 */
import { HumanMessage, type AIMessage } from "@langchain/core/messages";
import { Command } from "@langchain/langgraph";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseEnv, resetEnvForTests } from "../lib/env.js";
import { main } from "../cli/main.js";
import { openServices } from "../graphs/index.js";
import { connectRedis, type RedisConnection } from "../lib/redis.js";
import { RedisSaver } from "../memory/index.js";
import { createToolCatalog, executeToolCalls, type ToolCatalog } from "../tools/index.js";
import { parseExternalToolsConfig } from "../tools/external/index.js";
import type { McpServerHandle } from "../tools/external/mcp-server.js";
import { createRunTracing, MemoryTraceStore } from "../tracing/index.js";
import { startFixtureHttpServer } from "./fixtures/mcp/fixture-server.js";
import { agentGraphOnStub, toolMessagesSent } from "./support/agent-on-stub.js";
import { reply, startOpenAIStub, type OpenAIStub } from "./support/openai-stub.js";
import { deleteByPrefix, keysUnder, testRedisUrl, uniquePrefix } from "./support/redis.js";
import { waitUntil } from "./support/scale.js";
import { startTestServer } from "./support/server.js";

const FIXTURE = fileURLToPath(new URL("./fixtures/mcp/fixture-server.ts", import.meta.url));
const TOKEN = "tok-p21a-secret-7f3e9c";
type Paused = { __interrupt__?: { value: { type: string; tool: string; args: Record<string, unknown> } }[]; messages: AIMessage[] };

describe("MCP servers as tool sources", () => {
  let stub: OpenAIStub;
  let http: Awaited<ReturnType<typeof startFixtureHttpServer>>;
  let catalog: ToolCatalog;
  let redis: RedisConnection;
  let saver: RedisSaver;
  const prefix = uniquePrefix("p21a-mcp");
  const env = parseEnv({ OPENAI_API_KEY: "test", OPENAI_MODEL: "stub-model" });

  beforeAll(async () => {
    stub = await startOpenAIStub();
    http = await startFixtureHttpServer({ requireBearer: TOKEN });
    redis = await connectRedis({ url: testRedisUrl(), name: "p21a-mcp" });
    saver = new RedisSaver(redis, { keyPrefix: prefix });
    await saver.setup();
    const config = parseExternalToolsConfig(
      {
        mcpServers: {
          fx: { command: process.execPath, args: ["--import", "tsx", FIXTURE], env: { FIXTURE_TOKEN: "${P21A_TOKEN}" }, timeoutMs: 1_500 },
          web: { url: http.url, headers: { Authorization: "Bearer ${P21A_TOKEN}" } },
          ghost: { command: process.execPath, args: ["/nonexistent/mcp-server.js"] },
          nokey: { url: http.url, headers: { Authorization: "Bearer ${P21A_UNSET_TOKEN}" } },
        },
        agents: { assistant: ["fx.*", "web.lookup_record", "ghost.*", "nokey.*"] },
      },
      "test config",
    );
    const lookup = (name: string) => ({ P21A_TOKEN: TOKEN, PATH: process.env.PATH })[name];
    catalog = createToolCatalog({ env, externalTools: { config, lookup, backoff: { initialMs: 50, maxMs: 200 } } });
    await catalog.external!.start();
  });
  afterAll(async () => {
    await catalog?.external?.close();
    await http?.close();
    await stub?.close();
    await deleteByPrefix(redis, prefix);
    await saver?.end();
  });

  const agentGraph = () => agentGraphOnStub(stub, catalog, saver);
  const toolMessages = (request: number) => toolMessagesSent(stub, request);

  it("reports a server missing at start (or missing its secret) by name and offers the others' tools to the configured agent only", () => {
    const problems = catalog.external!.problems();
    expect(Object.keys(problems).sort()).toEqual(["ghost", "nokey"]);
    expect(problems.nokey).toMatch(/MCP server 'nokey' headers \(Authorization\) refers to \$\{P21A_UNSET_TOKEN\}, which is not set/);
    const names = catalog.select(["calculator"], "assistant").map((tool) => tool.name);
    expect(names).toEqual(expect.arrayContaining(["calculator", "fx__lookup_record", "fx__delete_record", "fx__hang", "web__lookup_record"]));
    expect(names).not.toContain("web__delete_record");
    expect(catalog.select(["calculator"], "researcher").map((tool) => tool.name)).toEqual(["calculator"]);
    const specs = Object.fromEntries(catalog.select([], "assistant").map((tool) => [tool.name, tool]));
    expect(specs.fx__lookup_record!.sideEffect).toBe("read_only");
    expect(specs.fx__delete_record!.sideEffect).toBe("external_side_effect");
  });

  it("the agent calls a stdio and an HTTP tool, a schema error and a hang come back as tool errors, and the run completes", async () => {
    stub.requests.length = 0;
    stub.enqueue(
      reply.toolCalls(
        { name: "fx__lookup_record", args: { id: "a1" }, id: "call_stdio" },
        { name: "web__lookup_record", args: { id: "b2" }, id: "call_http" },
        { name: "fx__lookup_record", args: { id: 42 }, id: "call_bad" },
        { name: "fx__hang", args: {}, id: "call_hang" },
      ),
      reply.text("Both records found."),
    );
    const out = (await agentGraph().invoke({ messages: [new HumanMessage("Find a1 and b2.")] }, { configurable: { thread_id: `${prefix}read` } })) as Paused & { status: string };
    expect(out.status).toBe("completed");
    const offered = stub.chatRequests[0]!.body.tools.map((tool: { function: { name: string } }) => tool.function.name);
    expect(offered).toContain("fx__hang");
    const answers = toolMessages(1);
    expect(answers).toContain("record a1: title of a1");
    expect(answers).toContain("record b2: title of b2");
    expect(answers.find((text) => text.includes("Invalid arguments for fx__lookup_record"))).toMatch(/`id`: Invalid input: expected string/);
    expect(answers.find((text) => text.includes("fx__hang"))).toMatch(/did not finish within 1500 ms/);
  });

  it("pauses the destructive tool for approval and runs it once approved", async () => {
    stub.requests.length = 0;
    stub.enqueue(reply.toolCall("fx__delete_record", { id: "z9" }), reply.text("Deleted."));
    const graph = agentGraph();
    const config = { configurable: { thread_id: `${prefix}approve` } };
    const paused = (await graph.invoke({ messages: [new HumanMessage("Delete z9.")] }, config)) as Paused;
    expect(paused.__interrupt__?.[0]?.value).toMatchObject({ type: "tool_approval", tool: "fx__delete_record", args: { id: "z9" }, sideEffect: "external_side_effect" });
    expect(stub.chatRequests).toHaveLength(1);
    const out = (await graph.invoke(new Command({ resume: { decision: "approve" } }), config)) as { status: string };
    expect(out.status).toBe("completed");
    expect(toolMessages(1)).toEqual(["deleted z9"]);
  });

  it("never lets the server's token reach the model, the trace or a checkpoint", async () => {
    stub.requests.length = 0;
    stub.enqueue(reply.toolCall("fx__whoami", {}), reply.text("I cannot say."));
    const store = new MemoryTraceStore({ retentionHours: 1 });
    const threadId = `${prefix}secret`;
    const tracing = createRunTracing({ env, traceStore: store, runId: crypto.randomUUID(), threadId, graphId: "agent", owner: "o1" });
    await agentGraph().invoke({ messages: [new HumanMessage("Who are you?")] }, { configurable: { thread_id: threadId }, ...tracing.config, runName: "agent" });
    const trace = await tracing.finish();
    expect(toolMessages(1)).toEqual(["token=[redacted]"]);
    const traced = JSON.stringify(trace);
    // One tool run, named with the server's name; the adapter's own run does not appear beside it.
    expect(trace!.root!.children.flatMap((node) => node.children).filter((node) => node.kind === "tool").map((node) => node.name)).toEqual(["fx__whoami"]);
    expect(traced).not.toContain(TOKEN);
    const stored = await storedText(redis, prefix);
    expect(stored).toContain("token=[redacted]");
    expect(stored).not.toContain(TOKEN);
  });

  it("restarts a crashed server, and picks up a changed tool list", async () => {
    const fx = catalog.external!.sources.get("fx") as McpServerHandle;
    const ctx = { threadId: `${prefix}crash`, runId: "r", graphId: "agent", agent: "assistant", toolCallsUsed: 0, toolCallBudget: 10 };
    const call = (name: string, id: string, args: Record<string, unknown> = {}) =>
      executeToolCalls({ tool_calls: [{ name, args, id, type: "tool_call" }] } as unknown as AIMessage, catalog.select([], "assistant"), ctx, catalog.executorDeps);
    const startsBefore = fx.starts;
    await call("fx__crash", "c1");
    await waitUntil(() => fx.starts > startsBefore && fx.state === "ready", "the fx server to be restarted");
    const after = await call("fx__lookup_record", "c2", { id: "back" });
    expect(after.messages[0]!.content).toBe("record back: title of back");

    expect(catalog.select([], "assistant").map((tool) => tool.name)).not.toContain("fx__late_tool");
    await call("fx__add_tool", "c3");
    await waitUntil(() => catalog.select([], "assistant").some((tool) => tool.name === "fx__late_tool"), "late_tool to be offered");
  });

  it("reconnects to an HTTP server that went away and came back, with backoff in between", async () => {
    const web = catalog.external!.sources.get("web") as McpServerHandle;
    const ctx = { threadId: `${prefix}http`, runId: "r", graphId: "agent", agent: "assistant", toolCallsUsed: 0, toolCallBudget: 10 };
    const call = (id: string) =>
      executeToolCalls({ tool_calls: [{ name: "web__lookup_record", args: { id }, id, type: "tool_call" }] } as unknown as AIMessage, catalog.select([], "assistant"), ctx, catalog.executorDeps);
    const port = Number(new URL(http.url).port);
    await http.close();
    expect((await call("gone")).messages[0]!.content).toMatch(/^Error: web__lookup_record failed: .*fetch failed/);
    await waitUntil(() => web.state === "restarting" && web.problem !== undefined, "the failed reconnect to be reported");
    expect(catalog.select([], "assistant").map((tool) => tool.name)).not.toContain("web__lookup_record");
    expect(web.problem).not.toContain(TOKEN);
    http = await startFixtureHttpServer({ requireBearer: TOKEN, port });
    await waitUntil(() => web.state === "ready", "the web server to be reconnected");
    expect((await call("back")).messages[0]!.content).toBe("record back: title of back");
  });
});

describe("the composition root", () => {
  it("starts the configured servers with the graphs' services, gives their tools to a graph's agents, and closes them with the process", async () => {
    const dir = mkdtempSync(join(tmpdir(), "p21a-mcp-"));
    const file = join(dir, "mcp.json");
    writeFileSync(file, JSON.stringify({ mcpServers: { fx: { command: process.execPath, args: ["--import", "tsx", FIXTURE] } }, agents: { supervisor: ["fx.lookup_record"] } }));
    const services = await openServices(parseEnv({ SWITCHBOARD_MCP_CONFIG: file }));
    try {
      const { catalog } = await services.ownGraphs();
      const fx = catalog.external!.sources.get("fx")!;
      expect(fx.state).toBe("ready");
      expect(catalog.select(["calculator"], "researcher", "supervisor").map((tool) => tool.name)).toEqual(["calculator", "fx__lookup_record"]);
      expect(catalog.select(["calculator"], "researcher", "planner").map((tool) => tool.name)).toEqual(["calculator"]);
      await services.close();
      expect(fx.state).toBe("closed");
    } finally {
      await services.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("the server", () => {
  it("offers the configured MCP tools to the agent graph's runs and runs them through the executor", async () => {
    const stub = await startOpenAIStub();
    const dir = mkdtempSync(join(tmpdir(), "p21a-mcp-"));
    const file = join(dir, "mcp.json");
    writeFileSync(file, JSON.stringify({ mcpServers: { fx: { command: process.execPath, args: ["--import", "tsx", FIXTURE] } }, agents: { agent: ["fx.lookup_record"] } }));
    const server = await startTestServer({ env: { SWITCHBOARD_MCP_CONFIG: file, OPENAI_API_KEY: "test", OPENAI_BASE_URL: stub.url, OPENAI_MODEL: "stub-model" } });
    try {
      stub.enqueue(reply.toolCall("fx__lookup_record", { id: "s1" }), reply.text("Found s1."));
      const client = server.client();
      const thread = await client.threads.create();
      const values = (await client.runs.wait(thread.thread_id, "agent", { input: { messages: [{ role: "human", content: "Find s1." }] } })) as { messages: { type: string; content: string }[] };
      expect(stub.chatRequests[0]!.body.tools.map((tool: { function: { name: string } }) => tool.function.name)).toContain("fx__lookup_record");
      expect(values.messages.find((message) => message.type === "tool")?.content).toBe("record s1: title of s1");
      expect(values.messages.at(-1)?.content).toBe("Found s1.");
    } finally {
      await server.close();
      await stub.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("npm start -- --mcp-tools", () => {
  it("lists each server's tools with the agents that get them, and a server that did not start with why", async () => {
    const dir = mkdtempSync(join(tmpdir(), "p21a-mcp-"));
    const file = join(dir, "mcp.json");
    writeFileSync(
      file,
      JSON.stringify({
        mcpServers: { fx: { command: process.execPath, args: ["--import", "tsx", FIXTURE] }, ghost: { command: process.execPath, args: [join(dir, "missing.js")] } },
        agents: { researcher: ["fx.lookup_record"], writer: ["fx.*"] },
      }),
    );
    const lines: string[] = [];
    const saved = process.env.SWITCHBOARD_MCP_CONFIG;
    process.env.SWITCHBOARD_MCP_CONFIG = file;
    resetEnvForTests();
    try {
      const code = await main(["--mcp-tools"], { out: { info: (line) => lines.push(line), answer: (text) => lines.push(text) } });
      expect(code).toBe(1);
    } finally {
      process.env.SWITCHBOARD_MCP_CONFIG = saved;
      resetEnvForTests();
      rmSync(dir, { recursive: true, force: true });
    }
    const text = lines.join("\n");
    expect(text).toMatch(/^fx \(mcp, 6 tools\)$/m);
    expect(text).toMatch(/fx__lookup_record\s+read_only\s+lookup_record {2}→ researcher, writer/);
    expect(text).toMatch(/fx__delete_record\s+external_side_effect\s+delete_record {2}→ writer/);
    expect(text).toMatch(/^ghost \(mcp, not running: .+\)$/m);
  });
});

/** Every value stored under `pattern` (hash values, set members, strings), as one text. */
async function storedText(redis: RedisConnection, prefix: string): Promise<string> {
  const parts: string[] = [];
  for (const key of await keysUnder(redis, prefix)) {
    const type = String(await redis.type(key));
    if (type === "hash") parts.push(...Object.values(await redis.hGetAll(key)).map(String));
    else if (type === "string") parts.push(String(await redis.get(key)));
    else if (type === "set") parts.push(...[...(await redis.sMembers(key))].map(String));
    else if (type === "zset") parts.push(...(await redis.zRange(key, 0, -1)).map(String));
  }
  return parts.join("\n");
}
