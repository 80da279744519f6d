import { HumanMessage } from "@langchain/core/messages";
import { MemorySaver } from "@langchain/langgraph";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { parseEnv } from "../lib/env.js";
import { flattenSteps } from "../tracing/trace.js";
import { ScriptedChatModel, type ScriptedChatModelOptions } from "../lib/scripted/scripted-chat-model.js";
import { MemoryTraceStore, createRunTracing, flushTraces } from "../tracing/index.js";
import { createAgentBuilder } from "../graphs/agent/graph.js";
import { lookupTool } from "./support/fake-tools.js";
import { startLangSmithStub, type LangSmithStub } from "./support/langsmith-stub.js";
import { staticModels, type AnyToolSpec } from "../agents/index.js";

const failing: AnyToolSpec = {
  name: "flaky",
  description: "Always fails; used to see tool errors in traces.",
  schema: z.object({}),
  timeoutMs: 1_000,
  sideEffect: "read_only",
  run: async () => {
    throw new Error("disk on fire");
  },
};

describe("run tracing: guardrail decisions, rail trips, tool errors, size bound", () => {
  let langsmith: LangSmithStub;
  beforeAll(async () => {
    langsmith = await startLangSmithStub();
  });
  afterAll(async () => {
    await langsmith.close();
  });

  async function run(maxKb: number, replies: ScriptedChatModelOptions["replies"], configurable: Record<string, unknown> = {}) {
    const env = parseEnv({ LANGSMITH_TRACING: "true", LANGSMITH_ENDPOINT: langsmith.url, LANGSMITH_API_KEY: "lsv2_pt_test", TRACE_MAX_KB: String(maxKb) });
    const store = new MemoryTraceStore();
    const model = new ScriptedChatModel({ replies, modelName: "gpt-4o-mini" });
    const graph = createAgentBuilder({ models: staticModels(model), tools: { lookup: lookupTool({ a: "x".repeat(3_000) }), flaky: failing } }, { tools: ["lookup", "flaky"] }).compile({ checkpointer: new MemorySaver() });
    const tracing = createRunTracing({ env, traceStore: store, runId: crypto.randomUUID(), threadId: "t", graphId: "agent" });
    await graph.invoke({ messages: [new HumanMessage("go")] }, { configurable: { thread_id: "t", ...configurable }, ...tracing.config });
    const trace = (await tracing.finish())!;
    await flushTraces();
    return { trace, steps: flattenSteps(trace.root) };
  }

  it("records a denied call as a refused tool step and the rail trip on its node, also in LangSmith", async () => {
    const { trace, steps } = await run(2_048, [{ toolCalls: [{ name: "lookup", args: { query: "a" } }] }, "could not look it up"], { toolPolicies: { lookup: "deny" } });
    const tool = steps.find((step) => step.kind === "tool")!;
    expect(tool).toMatchObject({ name: "lookup", status: "error", tool: { policy: "deny", refused: "guardrail_denied", result: null } });
    expect(tool.tool!.error).toMatch(/not permitted in this run/);
    const node = steps.find((step) => step.id === tool.parentId)!;
    expect(node.rails?.map((rail) => rail.kind)).toEqual(["guardrail_denied"]);
    const received = langsmith.runs.get(node.id)!;
    expect(received.tags).toContain("rail:guardrail_denied");
    expect(received.extra?.metadata?.rail_events).toEqual([expect.objectContaining({ kind: "guardrail_denied", tool: "lookup" })]);
    expect(langsmith.runs.get(tool.id)?.tags).toEqual(expect.arrayContaining(["tool", "refused:guardrail_denied"]));
    expect(trace.cost.byTool.lookup).toMatchObject({ calls: 1, errors: 1 });
  });

  it("keeps a failing tool's message without its stack", async () => {
    const { steps } = await run(2_048, [{ toolCalls: [{ name: "flaky", args: {} }] }, "it failed"]);
    const tool = steps.find((step) => step.kind === "tool")!;
    expect(tool).toMatchObject({ status: "error", tool: { error: "disk on fire", policy: "allow" } });
    expect(langsmith.runs.get(tool.id)?.error).toMatch(/disk on fire/);
  });

  it("drops the oldest prompts, never steps, to stay under TRACE_MAX_KB", async () => {
    const replies = [{ toolCalls: [{ name: "lookup", args: { query: "a" } }] }, { toolCalls: [{ name: "lookup", args: { query: "a " } }] }, "done"];
    const full = await run(2_048, replies);
    const bounded = await run(8, replies);
    expect(full.trace.truncated).toBe(false);
    expect(bounded.trace.truncated).toBe(true);
    expect(bounded.steps.map((step) => step.name)).toEqual(full.steps.map((step) => step.name));
    expect(Buffer.byteLength(JSON.stringify(bounded.trace))).toBeLessThan(Buffer.byteLength(JSON.stringify(full.trace)));
    const firstModel = bounded.steps.find((step) => step.model)!;
    expect(firstModel.model!.prompt[0]).toMatchObject({ role: "note", content: expect.stringMatching(/dropped/) });
  });
});
