/**
 * Every registered graph served from the project's langgraph.json, driven by the official SDK
 * client against the server on Redis, on the offline demo's scripted model (no API keys): stream
 * (updates, messages), wait, state, history, and the agent's approval pause resumed by a Command.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Client } from "@langchain/langgraph-sdk";
import { createDemoModel, staticModels, TERMINAL_STATES } from "../agents/index.js";
import { GRAPHS } from "../graphs/index.js";
import { startTestServer, type TestServer } from "./support/server.js";

const ask = (content: string) => ({ messages: [{ role: "human", content }] });

describe("the project's graphs through the SDK", () => {
  let server: TestServer;
  let client: Client;

  beforeAll(async () => {
    server = await startTestServer({ redis: true, graphDeps: { models: staticModels(createDemoModel()) } });
    client = server.client();
  }, 60_000);
  afterAll(async () => server?.close());

  it("serves exactly the registered graphs, with langgraph dev's assistant ids", async () => {
    const assistants = await client.assistants.search({ limit: 100 });
    expect(assistants.map((assistant) => assistant.graph_id).sort()).toEqual(GRAPHS.map((graph) => graph.id).sort());
    const graph = await client.assistants.getGraph("supervisor", { xray: true });
    expect(graph.nodes.length).toBeGreaterThan(2);
    const schemas = await client.assistants.getSchemas("agent");
    expect(schemas.graph_id).toBe("agent");
  });

  it("describes the supervisor's input, state and the configurable it honours in JSON Schema (Studio's forms)", async () => {
    const schemas = await client.assistants.getSchemas("supervisor");
    type Schema = { properties: Record<string, { type?: string; langgraph_type?: string; anyOf?: unknown[]; items?: unknown; description?: string; properties?: Record<string, unknown>; enum?: string[] }> };
    const input = schemas.input_schema as Schema;
    expect(Object.keys(input.properties)).toEqual(expect.arrayContaining(["messages", "limits"]));
    expect(input.properties.messages).toMatchObject({ type: "array", langgraph_type: "messages" });
    const state = schemas.state_schema as Schema;
    expect(state.properties.goal).toMatchObject({ type: "string" });
    expect(state.properties.messages?.langgraph_type).toBe("messages");
    expect(state.properties.limits?.anyOf).toBeDefined();
    const config = schemas.config_schema as Schema;
    expect(config.properties.limits?.properties).toHaveProperty("maxToolCalls");
    expect(config.properties.onLoop?.enum).toEqual(["ask", "stop"]);
    expect(config.properties.toolPolicies?.description).toMatch(/tighten/);
    expect(schemas.context_schema).toEqual(config);
  });

  for (const { id } of GRAPHS) {
    it(`${id}: streams updates and messages, waits, keeps state and history`, async () => {
      const thread = await client.threads.create();
      const events: string[] = [];
      for await (const part of client.runs.stream(thread.thread_id, id, { input: ask("Compare the populations of Paris (2148000) and Berlin (3645000)"), streamMode: ["updates", "messages-tuple", "values"] })) {
        events.push(part.event);
      }
      expect(events[0]).toBe("metadata");
      expect(events).toContain("updates");
      expect(events).toContain("values");
      const state = await client.threads.getState(thread.thread_id);
      const values = state.values as { status?: string; result?: string };
      expect(TERMINAL_STATES).toContain(values.status);
      expect(values.result).toContain("[offline demo]");
      const again = (await client.runs.wait(thread.thread_id, id, { input: ask("And Madrid?") })) as { status?: string };
      expect(again.status).toBe("completed");
      const history = await client.threads.getHistory(thread.thread_id, { limit: 5 });
      expect(history.length).toBe(5);
      expect(history[0]!.checkpoint.checkpoint_id).toBe((await client.threads.getState(thread.thread_id)).checkpoint.checkpoint_id);
    }, 60_000);
  }

  it("agent: pauses for approval and resumes with a rejection", async () => {
    const thread = await client.threads.create();
    const paused = (await client.runs.wait(thread.thread_id, "agent", { input: ask("notify the team by webhook") })) as { __interrupt__?: { value: { type: string; tool: string } }[] };
    expect(paused.__interrupt__?.[0]?.value).toMatchObject({ type: "tool_approval", tool: "send_webhook" });
    expect((await client.threads.get(thread.thread_id)).status).toBe("interrupted");
    const done = (await client.runs.wait(thread.thread_id, "agent", { command: { resume: { decision: "reject", reason: "not today" } } })) as { status?: string };
    expect(done.status).toBe("rejected");
  }, 60_000);

  it("hierarchical: lists its subgraphs and streams their chunks with stream_subgraphs", async () => {
    const subgraphs = await client.assistants.getSubgraphs("hierarchical", { recurse: true });
    expect(Object.keys(subgraphs).length).toBeGreaterThan(0);
    const names = new Set<string>();
    for await (const part of client.runs.stream(null, "hierarchical", { input: ask("Compare the populations of Paris (2148000) and Berlin (3645000)"), streamMode: ["updates"], streamSubgraphs: true })) names.add(part.event);
    expect([...names].some((name) => name.startsWith("updates|"))).toBe(true);
  }, 60_000);

  it("streams LangChain events in events mode", async () => {
    const kinds = new Set<string>();
    for await (const part of client.runs.stream(null, "agent", { input: ask("hello"), streamMode: ["events"] })) {
      if (part.event === "events") kinds.add((part.data as { event: string }).event);
    }
    expect(kinds.has("on_chain_start")).toBe(true);
    expect(kinds.has("on_chat_model_start")).toBe(true);
  }, 60_000);

  it("streams token chunks in messages mode", async () => {
    const parts: { event: string }[] = [];
    for await (const part of client.runs.stream(null, "agent", { input: ask("hello there"), streamMode: ["messages"] })) parts.push(part);
    const names = new Set(parts.map((part) => part.event));
    expect(names.has("messages/partial") || names.has("messages/complete")).toBe(true);
  }, 60_000);
});
