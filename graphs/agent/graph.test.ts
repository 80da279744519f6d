import { describe, expect, it } from "vitest";
import { HumanMessage } from "@langchain/core/messages";
import { MemorySaver } from "@langchain/langgraph";
import { ScriptedChatModel } from "../../lib/scripted/scripted-chat-model.js";
import { staticModels } from "../../agents/index.js";
import { bigTool, lookupTool } from "../../test/support/fake-tools.js";
import { createAgentBuilder } from "./graph.js";

const ask = (text: string) => ({ messages: [new HumanMessage(text)] });

describe("agent graph (agent as a service)", () => {
  it("starts a new run with fresh budgets for each user message on a thread", async () => {
    const model = new ScriptedChatModel({
      replies: [{ toolCalls: [{ name: "lookup", args: { query: "paris" } }] }, "2.1M", "You asked about Paris."],
    });
    const g = createAgentBuilder({ models: staticModels(model), tools: { lookup: lookupTool({ paris: "2.1M" }) } }, { tools: ["lookup"] }).compile({ checkpointer: new MemorySaver() });
    const config = { configurable: { thread_id: "service" } };
    const first = await g.invoke(ask("Population of Paris?"), config);
    expect(first).toMatchObject({ status: "completed", result: "2.1M" });
    expect(first.usage).toMatchObject({ modelCalls: 2, toolCalls: 1 });
    const second = await g.invoke(ask("What did I ask?"), config);
    expect(second).toMatchObject({ status: "completed", result: "You asked about Paris." });
    expect(second.usage).toMatchObject({ modelCalls: 1, toolCalls: 0 });
    // The conversation carries over: the model saw the first exchange.
    expect(model.calls[2]!.messages.map((m) => m.getType())).toEqual(["system", "human", "ai", "tool", "ai", "human"]);
  });

  it("compacts its context when tool results outgrow the window, keeping prompt and goal", async () => {
    let n = 0;
    const model = new ScriptedChatModel({
      respond: ({ callIndex }) => (callIndex < 6 ? { toolCalls: [{ name: "big", args: { query: `part ${n++}` } }] } : "done"),
    });
    const g = createAgentBuilder({ models: staticModels(model), tools: { big: bigTool(2_000) } }, { tools: ["big"], context: { maxTokens: 1_500 } }).compile();
    const out = await g.invoke(ask("read everything"));
    expect(out.status).toBe("completed");
    expect(out.railEvents.some((e) => e.kind === "context_compacted")).toBe(true);
    for (const call of model.calls) {
      expect(call.messages[0]!.getType()).toBe("system");
      expect(call.messages[1]!.content).toBe("read everything");
      expect(call.inputTokens).toBeLessThan(2_500);
    }
    // Without compaction the last call would have carried all six results (~3,000 tokens).
    expect(model.calls.at(-1)!.messages.length).toBeLessThan(2 + 6 * 2);
  });

  it("summarizes old turns with the agent's own model when asked to, and counts that call", async () => {
    let n = 0;
    const model = new ScriptedChatModel({
      respond: ({ messages, callIndex }) => {
        if (String(messages[0]!.content).startsWith("Summarize")) return "SUMMARY: read parts so far";
        return callIndex < 6 ? { toolCalls: [{ name: "big", args: { query: `part ${n++}` } }] } : "done";
      },
    });
    const g = createAgentBuilder({ models: staticModels(model), tools: { big: bigTool(2_000) } }, { tools: ["big"], context: { maxTokens: 1_500, strategy: "summarize" } }).compile();
    const out = await g.invoke(ask("read everything"));
    expect(out.status).toBe("completed");
    const summaries = model.calls.filter((c) => String(c.messages[0]!.content).startsWith("Summarize"));
    expect(summaries.length).toBeGreaterThan(0);
    expect(model.calls.at(-1)!.messages[2]!.content).toContain("SUMMARY: read parts so far");
    expect(out.usage.modelCalls).toBe(model.callsMade);
  });
});
