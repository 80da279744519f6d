/**
 * MCP servers unlike our own fixture (test/fixtures/mcp/odd-server.ts), offered to the `agent`
 * graph's assistant through the stub model: a stdio server that is slow to start and writes junk
 * to stdout first, and the same server over the legacy HTTP+SSE transport. Rich schemas reach the
 * model whole and valid arguments pass our validation; odd names, long descriptions, non-text
 * results, isError, structured-only results and notifications mid-call all come back as tool
 * messages; nothing crashes the run.
 */
import { HumanMessage, type AIMessage } from "@langchain/core/messages";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseEnv } from "../lib/env.js";
import { CircuitBreakerRegistry, createChatModel } from "../lib/models.js";
import { staticModels } from "../agents/index.js";
import { createAgentBuilder } from "../graphs/agent/graph.js";
import { createToolCatalog, type ToolCatalog } from "../tools/index.js";
import { createExternalToolSources, parseExternalToolsConfig } from "../tools/external/index.js";
import { McpServerHandle } from "../tools/external/mcp-server.js";
import { RICH_SCHEMA, startOddSseServer } from "./fixtures/mcp/odd-server.js";
import { reply, startOpenAIStub, type OpenAIStub } from "./support/openai-stub.js";

const ODD = fileURLToPath(new URL("./fixtures/mcp/odd-server.ts", import.meta.url));
type OfferedTool = { function: { name: string; description: string; parameters: Record<string, unknown> } };

describe("odd MCP servers as tool sources", () => {
  let stub: OpenAIStub;
  let sse: Awaited<ReturnType<typeof startOddSseServer>>;
  let catalog: ToolCatalog;

  beforeAll(async () => {
    stub = await startOpenAIStub();
    sse = await startOddSseServer();
    const config = parseExternalToolsConfig(
      {
        mcpServers: {
          odd: { command: process.execPath, args: ["--import", "tsx", ODD], env: { ODD_JUNK: "1", ODD_DELAY_MS: "1500" }, timeoutMs: 5_000 },
          legacy: { type: "sse", url: sse.url, timeoutMs: 5_000 },
          // No transport named: Streamable HTTP is tried first, then SSE.
          "legacy-auto": { url: sse.url },
        },
        agents: { assistant: ["odd.*", "legacy.*", "legacy-auto.no_props"] },
      },
      "test config",
    );
    catalog = createToolCatalog({ env: parseEnv({ OPENAI_API_KEY: "test", OPENAI_MODEL: "stub-model" }), externalTools: { config, lookup: (name) => ({ PATH: process.env.PATH })[name], backoff: { initialMs: 50, maxMs: 200 } } });
    await catalog.external!.start();
  }, 30_000);
  afterAll(async () => {
    await catalog?.external?.close();
    await sse?.close();
    await stub?.close();
  });

  const agentGraph = () => {
    const model = createChatModel({ env: parseEnv({ OPENAI_API_KEY: "test", OPENAI_BASE_URL: stub.url, OPENAI_MODEL: "stub-model" }), deps: { breakers: new CircuitBreakerRegistry(), sleep: async () => {} } });
    return createAgentBuilder({ models: staticModels(model), tools: catalog }, { tools: [] }).compile();
  };
  const toolMessages = (request: number) =>
    Object.fromEntries((stub.chatRequests[request]!.body.messages as { role: string; content: string; tool_call_id: string }[]).filter((m) => m.role === "tool").map((m) => [m.tool_call_id, m.content]));

  it("starts them all (stdio after junk on stdout and a slow start, legacy SSE named or found by fallback) and offers every tool with its schema", () => {
    expect(catalog.external!.problems()).toEqual({});
    const names = catalog.select([], "assistant").map((tool) => tool.name);
    for (const server of ["odd", "legacy"]) {
      expect(names).toEqual(expect.arrayContaining(["search_issues", "get_weather", "no_props", "picture", "fails", "structured", "chatty"].map((tool) => `${server}__${tool}`)));
    }
    expect(names.filter((name) => name.startsWith("legacy_auto__"))).toEqual(["legacy_auto__no_props"]);
  });

  it("closes a server stuck in its start without waiting for it to give up", async () => {
    const config = parseExternalToolsConfig({ mcpServers: { mute: { command: process.execPath, args: ["--import", "tsx", ODD], env: { ODD_MUTE: "1" } } } }, "test config");
    const mute = new McpServerHandle("mute", config.mcpServers.mute!, (name) => ({ PATH: process.env.PATH })[name]);
    const started = mute.start();
    await mute.close();
    expect(mute.state).toBe("closed");
    // The start is still waiting for an answer to initialize (the SDK gives up after 60 s); close did not wait for it.
    expect(await Promise.race([started.then(() => "started"), Promise.resolve("still starting")])).toBe("still starting");
    expect(mute.entries).toEqual([]);
  });

  it("lists a server stuck in its start as still starting instead of waiting for it", async () => {
    const config = parseExternalToolsConfig({ mcpServers: { mute: { command: process.execPath, args: ["--import", "tsx", ODD], env: { ODD_MUTE: "1" } } } }, "test config");
    const sources = createExternalToolSources({ config, lookup: (name) => ({ PATH: process.env.PATH })[name], policy: { allowlist: [] }, describeWaitMs: 300 });
    try {
      expect(await sources.describe()).toEqual([{ name: "mute", kind: "mcp", state: "starting", problem: "still starting after 0.3 s", tools: [] }]);
    } finally {
      await sources.close();
    }
  });

  for (const server of ["odd", "legacy"]) {
    it(`the agent calls ${server}'s tools: rich arguments pass, results of every kind come back, the run completes`, async () => {
      stub.requests.length = 0;
      const args = { query: "crash", labels: ["bug", "docs"], filter: { field: "state", value: 3 }, page: null, options: { deep: true, tags: [{ k: "x" }] } };
      stub.enqueue(
        reply.toolCalls(
          { name: `${server}__search_issues`, args, id: "rich" },
          { name: `${server}__search_issues`, args: { labels: ["nope"] }, id: "bad" },
          { name: `${server}__get_weather`, args: { city: "Oslo" }, id: "long" },
          { name: `${server}__no_props`, args: {}, id: "none" },
          { name: `${server}__picture`, args: {}, id: "picture" },
          { name: `${server}__fails`, args: {}, id: "fails" },
          { name: `${server}__throws`, args: {}, id: "throws" },
          { name: `${server}__structured`, args: {}, id: "structured" },
          { name: `${server}__chatty`, args: {}, id: "chatty" },
        ),
        reply.text("Done."),
      );
      const out = (await agentGraph().invoke({ messages: [new HumanMessage("Use every tool.")] })) as { status: string; messages: AIMessage[] };
      expect(out.status).toBe("completed");
      const offered = Object.fromEntries((stub.chatRequests[0]!.body.tools as OfferedTool[]).map((tool) => [tool.function.name, tool.function]));
      // The adapter inlines $refs (and opens anyOf/oneOf) before the model sees the schema; what is left is whole.
      expect(offered[`${server}__search_issues`]!.parameters).toMatchObject({
        required: ["query"],
        properties: { labels: { items: { enum: ["bug", "feature", "docs"] } }, filter: { type: "object", required: ["field"] }, options: { properties: { tags: { type: "array" } } } },
      });
      expect(offered[`${server}__get_weather`]!.description.length).toBeGreaterThan(10_000);
      const answers = toolMessages(1);
      expect(answers.rich).toBe(`searched ${JSON.stringify(args)}`);
      expect(answers.bad).toMatch(/Invalid arguments for .*search_issues/);
      expect(answers.long).toBe("sunny in Oslo");
      expect(answers.none).toBe("nothing taken");
      expect(answers.picture!.split("\n")).toEqual(["[image (image/png) omitted]", "[file file:///big.bin]", "a picture", "[resource file:///notes.txt]", "embedded notes"]);
      expect(answers.fails).toMatch(/quota exceeded for odd/);
      expect(answers.throws).toMatch(/kaput inside odd/);
      expect(answers.structured).toBe('{"total":42}');
      expect(answers.chatty).toBe("chatty done");
      expect(out.messages.at(-1)!.content).toBe("Done.");
    });
  }
});
