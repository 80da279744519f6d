/**
 * graphSchemas with a wait (what /mcp's tools/list uses): a TypeScript pass that runs past the
 * wait gives way to the channel names, and the caller hears the answer is provisional; without a
 * wait it is awaited. The extractor is replaced by one that never finishes.
 */
import type { BaseMessage } from "@langchain/core/messages";
import { Annotation, messagesStateReducer, StateGraph } from "@langchain/langgraph";
import { describe, expect, it, vi } from "vitest";
import { graphSchemas } from "./schemas.js";
import type { ServableGraph, ServedGraph } from "./registry.js";

vi.mock("@langchain/langgraph-api/schema", async (original) => ({
  ...(await original<object>()),
  getStaticGraphSchema: () => new Promise<never>(() => {}),
}));

const State = Annotation.Root({ messages: Annotation<BaseMessage[]>({ reducer: messagesStateReducer, default: () => [] }), topic: Annotation<string> });

describe("graphSchemas with a wait", () => {
  it("answers the channels as open properties when the TypeScript pass is late, and says so", async () => {
    const graph = new StateGraph(State).addNode("noop", () => ({})).addEdge("__start__", "noop").compile() as unknown as ServableGraph;
    const served: ServedGraph = { id: "slow", graph, source: { sourceFile: "/nonexistent/slow-graph.ts", exportSymbol: "graph" } };
    let provisional = false;
    const schemas = await graphSchemas(served, graph, { staticWaitMs: 20, onProvisional: () => (provisional = true) });
    expect(provisional).toBe(true);
    expect(schemas.input_schema).toMatchObject({ type: "object", properties: { messages: { langgraph_type: "messages" }, topic: {} } });
    // Without a wait the caller waits for the pass (here: for ever).
    const unbounded = await Promise.race([graphSchemas(served, graph).then(() => "answered"), new Promise((resolve) => setTimeout(() => resolve("waiting"), 50))]);
    expect(unbounded).toBe("waiting");
  });
});
