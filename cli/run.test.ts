import { describe, expect, it } from "vitest";
import { HumanMessage } from "@langchain/core/messages";
import { MemorySaver } from "@langchain/langgraph";
import { z } from "zod";
import { ScriptedChatModel } from "../lib/scripted/scripted-chat-model.js";
import { staticModels, type AnyToolSpec } from "../agents/index.js";
import { createAgentBuilder } from "../graphs/agent/graph.js";
import { driveRun } from "./run.js";

describe("driveRun", () => {
  it("records cancelled in the thread's state when the run is aborted mid-tool", async () => {
    const controller = new AbortController();
    const slow: AnyToolSpec = {
      name: "slow",
      description: "Takes its time: waits until the run is cancelled.",
      schema: z.object({ query: z.string() }),
      timeoutMs: 10_000,
      sideEffect: "read_only",
      run: (_args: unknown, ctx: { signal: AbortSignal }) =>
        new Promise((_, reject) => {
          controller.abort(new Error("Ctrl-C"));
          ctx.signal.addEventListener("abort", () => reject(new Error("aborted")));
        }),
    };
    const model = new ScriptedChatModel({ replies: [{ toolCalls: [{ name: "slow", args: { query: "x" } }] }, "never reached"] });
    const graph = createAgentBuilder({ models: staticModels(model), tools: { slow } }, { tools: ["slow"] }).compile({ checkpointer: new MemorySaver() });
    const lines: string[] = [];
    const report = await driveRun({
      graph: graph as never,
      graphId: "agent",
      threadId: "cancel-me",
      input: { messages: [new HumanMessage("wait")] },
      limits: {},
      asker: { ask: async () => undefined, close() {} },
      out: { info: (line) => void lines.push(line), answer: () => {} },
      signal: controller.signal,
    });
    expect(report.status).toBe("cancelled");
    const state = await graph.getState({ configurable: { thread_id: "cancel-me" } });
    expect(state.values.status).toBe("cancelled");
    expect(state.values.statusReason).toMatch(/Ctrl-C/);
    expect(state.next).toEqual([]);
    expect(model.callsMade).toBe(1);
  });
});
