import { AIMessage } from "@langchain/core/messages";
import { Annotation, MemorySaver, START, StateGraph } from "@langchain/langgraph";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { calculatorTool } from "./builtin/calculator.js";
import { executeToolCalls } from "./execution/executor.js";
import { toLangChainTool } from "./langchain.js";
import { createSendWebhookTool } from "./builtin/send-webhook.js";
import { defineTool } from "./types.js";

describe("toLangChainTool", () => {
  it("keeps name, description and schema, and runs read-only tools", async () => {
    const tool = toLangChainTool(calculatorTool);
    expect(tool.name).toBe("calculator");
    expect(tool.description).toBe(calculatorTool.description);
    const message = await tool.invoke({ name: "calculator", args: { expression: "2/4" }, id: "c1", type: "tool_call" });
    expect(String(message.content)).toContain('"result":"1/2"');
  });

  it("refuses to run side-effecting tools outside the guarded executor", async () => {
    const tool = toLangChainTool(createSendWebhookTool({ policy: { allowlist: [] } }));
    expect(String(await tool.invoke({ url: "https://example.org/hook", payload: {} }))).toMatch(/must run through Switchboard's tool executor/);
  });
});

describe("idempotency keys", () => {
  it("stay the same when a step re-runs after a crash and differ between threads", async () => {
    const seen: string[] = [];
    let crashes = 1;
    const record = defineTool({
      name: "record",
      description: "Records the idempotency key it was called with.",
      schema: z.object({}),
      timeoutMs: 1_000,
      sideEffect: "external_side_effect",
      run: async (_args, ctx) => {
        seen.push(ctx.idempotencyKey);
        return "ok";
      },
    });
    const State = Annotation.Root({ done: Annotation<boolean> });
    const graph = new StateGraph(State)
      .addNode(
        "act",
        async (_state, config) => {
          const message = new AIMessage({ content: "", tool_calls: [{ name: "record", args: {}, id: "call_0", type: "tool_call" }] });
          await executeToolCalls(message, [record], { threadId: String(config.configurable?.thread_id), runId: "r", graphId: "g", agent: "a", toolCallsUsed: 0, toolCallBudget: 5, config }, { policies: { record: "allow" } });
          if (crashes-- > 0) throw new Error("process crashed after the side effect");
          return { done: true };
        },
        { retryPolicy: { maxAttempts: 2, initialInterval: 1, jitter: false, logWarning: false, retryOn: () => true } },
      )
      .addEdge(START, "act")
      .compile({ checkpointer: new MemorySaver() });
    await graph.invoke({ done: false }, { configurable: { thread_id: "thread-one" } });
    await graph.invoke({ done: false }, { configurable: { thread_id: "thread-two" } });
    expect(seen).toHaveLength(3);
    expect(seen[0]).toBe(seen[1]);
    expect(seen[2]).not.toBe(seen[0]);
  });
});
