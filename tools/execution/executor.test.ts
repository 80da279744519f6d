import { AIMessage, type BaseMessage, type ToolMessage } from "@langchain/core/messages";
import { Annotation, Command, MemorySaver, START, StateGraph, type LangGraphRunnableConfig } from "@langchain/langgraph";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { executeToolCalls, type ToolExecutorDeps } from "./executor.js";
import { createMemoryRateLimiter } from "./rate-limit.js";
import { defineTool, type RailEvent, type ToolExecutionContext, type ToolRunContext } from "../types.js";

const sideEffects: { args: unknown; key: string }[] = [];

const echo = defineTool({
  name: "echo",
  description: "Repeats the text it is given; useful for testing.",
  schema: z.object({ text: z.string().describe("what to repeat"), times: z.number().int().min(1).max(3).default(1) }),
  timeoutMs: 1_000,
  sideEffect: "read_only",
  secretFields: ["token"],
  run: async ({ text, times }) => ({ echoed: text.repeat(times), token: "s3cret" }),
});
const slow = defineTool({
  name: "slow",
  description: "Never finishes unless it is stopped; for timeout tests.",
  schema: z.object({}),
  timeoutMs: 30,
  sideEffect: "read_only",
  run: (_args, ctx: ToolRunContext) => new Promise((_, reject) => ctx.signal.addEventListener("abort", () => reject(new Error("aborted")))),
});
const boom = defineTool({
  name: "boom",
  description: "Always fails with an exception; for error tests.",
  schema: z.object({}),
  timeoutMs: 1_000,
  sideEffect: "read_only",
  run: async () => {
    throw new Error("disk on fire");
  },
});
const notify = defineTool({
  name: "notify",
  description: "Sends a notification to the outside world (external side effect).",
  schema: z.object({ to: z.string().email(), text: z.string() }),
  timeoutMs: 1_000,
  sideEffect: "external_side_effect",
  run: async (args, ctx) => {
    sideEffects.push({ args, key: ctx.idempotencyKey });
    return `sent to ${args.to}`;
  },
});
const tools = [echo, slow, boom, notify];

const ctx = (overrides: Partial<ToolExecutionContext> = {}): ToolExecutionContext => ({
  threadId: "t1",
  runId: "r1",
  graphId: "test_graph",
  agent: "tester",
  toolCallsUsed: 0,
  toolCallBudget: 10,
  ...overrides,
});
const call = (name: string, args: Record<string, unknown>, id: string) => ({ name, args, id, type: "tool_call" as const });
const ai = (...calls: ReturnType<typeof call>[]) => new AIMessage({ content: "", tool_calls: calls });
const allow: ToolExecutorDeps = { policies: { notify: "allow" } };

describe("executeToolCalls", () => {
  it("runs a valid call and redacts secret result fields", async () => {
    const result = await executeToolCalls(ai(call("echo", { text: "ab", times: 2 }, "c1")), tools, ctx({ toolCallsUsed: 4 }));
    expect(result.messages).toHaveLength(1);
    expect(result.messages[0]).toMatchObject({ tool_call_id: "c1", name: "echo", status: "success" });
    expect(JSON.parse(String(result.messages[0]!.content))).toEqual({ echoed: "abab", token: "[redacted]" });
    expect(result.toolCallsUsed).toBe(5);
    expect(result.railEvents).toEqual([]);
  });

  it("answers model mistakes with error tool messages the model can act on", async () => {
    const result = await executeToolCalls(
      ai(call("nope", {}, "u1"), call("echo", { text: 5 }, "v1"), call("slow", {}, "s1"), call("boom", {}, "b1")),
      tools,
      ctx(),
    );
    const [unknown, invalid, timedOut, failed] = result.messages.map((m) => String(m.content));
    expect(result.messages.every((m) => m.status === "error")).toBe(true);
    expect(unknown).toMatch(/no tool named 'nope'. Available tools: echo, slow, boom, notify/);
    expect(invalid).toMatch(/`text`: Invalid input: expected string, received number/);
    expect(invalid).toContain('"required":["text"]');
    expect(timedOut).toMatch(/slow did not finish within 30 ms/);
    expect(failed).toMatch(/boom failed: disk on fire/);
    expect(result.toolCallsUsed).toBe(4);
  });

  it("answers invalid JSON arguments, folding them into a valid call's answer when both are present", async () => {
    const onlyInvalid = new AIMessage({ content: "", invalid_tool_calls: [{ name: "echo", args: '{"text": "a', id: "j1", error: "Unexpected end", type: "invalid_tool_call" }] });
    const alone = await executeToolCalls(onlyInvalid, tools, ctx());
    expect(alone.messages.map((m) => [m.tool_call_id, m.status])).toEqual([["j1", "error"]]);
    expect(String(alone.messages[0]!.content)).toMatch(/not valid JSON \(Unexpected end\): \{"text": "a/);

    const mixed = new AIMessage({
      content: "",
      tool_calls: [call("echo", { text: "x" }, "ok1")],
      invalid_tool_calls: [{ name: "echo", args: "{", id: "j2", type: "invalid_tool_call" }],
    });
    const both = await executeToolCalls(mixed, tools, ctx());
    expect(both.messages.map((m) => m.tool_call_id)).toEqual(["ok1"]);
    expect(String(both.messages[0]!.content)).toMatch(/echoed.*Also, 1 other call\(s\).*not valid JSON/s);
    expect(both.toolCallsUsed).toBe(2);
  });

  it("refuses calls over the tool-call budget and reports the rail once", async () => {
    const result = await executeToolCalls(
      ai(call("echo", { text: "1" }, "a"), call("echo", { text: "2" }, "b"), call("echo", { text: "3" }, "c")),
      tools,
      ctx({ toolCallsUsed: 9, toolCallBudget: 10 }),
    );
    expect(result.messages.map((m) => m.status)).toEqual(["success", "error", "error"]);
    expect(String(result.messages[1]!.content)).toMatch(/budget is exhausted \(10 calls\)/);
    expect(result.toolCallsUsed).toBe(10);
    expect(result.railEvents).toEqual([expect.objectContaining({ kind: "tool_budget_exhausted", agent: "tester" })]);
  });

  it("applies guardrail policies: operator deny, per-graph keys, runs may only tighten", async () => {
    const denied = await executeToolCalls(ai(call("echo", { text: "x" }, "d1")), tools, ctx(), { policies: { "test_graph:echo": "deny" } });
    expect(denied.messages[0]!.status).toBe("error");
    expect(String(denied.messages[0]!.content)).toMatch(/not permitted/);
    expect(denied.railEvents[0]).toMatchObject({ kind: "guardrail_denied", tool: "echo" });

    const runTightens = await executeToolCalls(ai(call("echo", { text: "x" }, "d2")), tools, ctx({ config: { configurable: { toolPolicies: { echo: "deny" } } } }));
    expect(runTightens.railEvents[0]?.kind).toBe("guardrail_denied");

    const runLoosens = await executeToolCalls(ai(call("echo", { text: "x" }, "d3")), tools, ctx({ config: { configurable: { toolPolicies: { echo: "allow" } } } }), {
      policies: { echo: "deny" },
    });
    expect(runLoosens.railEvents[0]?.kind).toBe("guardrail_denied");

    await expect(executeToolCalls(ai(call("echo", { text: "x" }, "d4")), tools, ctx({ config: { configurable: { toolPolicies: { echo: "sure" } } } }))).rejects.toThrow(
      /configurable.toolPolicies is invalid at 'echo'/,
    );
  });

  it("rate limits per tool with a token bucket and records the rail", async () => {
    let now = 0;
    const deps: ToolExecutorDeps = { rateLimits: { echo: { capacity: 1, refillPerSecond: 0.5 } }, rateLimiter: createMemoryRateLimiter({ now: () => now }) };
    const first = await executeToolCalls(ai(call("echo", { text: "1" }, "a"), call("echo", { text: "2" }, "b")), tools, ctx(), deps);
    expect(first.messages.map((m) => m.status)).toEqual(["success", "error"]);
    expect(String(first.messages[1]!.content)).toMatch(/rate limited.*about 2 s/);
    expect(first.railEvents).toEqual([expect.objectContaining({ kind: "rate_limited", tool: "echo" })]);
    now = 2_000;
    const later = await executeToolCalls(ai(call("echo", { text: "3" }, "c")), tools, ctx(), deps);
    expect(later.messages[0]!.status).toBe("success");
  });
});

describe("approvals through interrupt()", () => {
  const State = Annotation.Root({
    messages: Annotation<BaseMessage[]>({ reducer: (a, b) => a.concat(b), default: () => [] }),
    railEvents: Annotation<RailEvent[]>({ reducer: (a, b) => a.concat(b), default: () => [] }),
  });
  const buildGraph = () =>
    new StateGraph(State)
      .addNode("tools", async (state, config: LangGraphRunnableConfig) => {
        const message = state.messages.at(-1) as AIMessage;
        const result = await executeToolCalls(message, tools, ctx({ threadId: String(config.configurable?.thread_id), config }));
        return { messages: result.messages, railEvents: result.railEvents };
      })
      .addEdge(START, "tools")
      .compile({ checkpointer: new MemorySaver() });

  const pendingInterrupt = async (graph: ReturnType<typeof buildGraph>, config: LangGraphRunnableConfig) =>
    (await graph.getState(config)).tasks.flatMap((task) => task.interrupts).at(-1)?.value;

  it("asks for every approval before running anything, then runs approved calls once", async () => {
    sideEffects.length = 0;
    const graph = buildGraph();
    const config = { configurable: { thread_id: `approve-${Math.random()}` } };
    await graph.invoke({ messages: [ai(call("notify", { to: "a@example.com", text: "hi" }, "n1"), call("notify", { to: "b@example.com", text: "yo" }, "n2"))] }, config);
    expect(await pendingInterrupt(graph, config)).toMatchObject({ type: "tool_approval", tool: "notify", toolCallId: "n1", agent: "tester", sideEffect: "external_side_effect" });

    await graph.invoke(new Command({ resume: { decision: "approve" } }), config);
    expect(await pendingInterrupt(graph, config)).toMatchObject({ toolCallId: "n2", args: { to: "b@example.com", text: "yo" } });
    expect(sideEffects).toHaveLength(0);

    const final = await graph.invoke(new Command({ resume: { decision: "reject", reason: "wrong recipient" } }), config);
    expect(sideEffects.map((effect) => effect.args)).toEqual([{ to: "a@example.com", text: "hi" }]);
    const answers = final.messages.slice(1) as ToolMessage[];
    expect(answers.map((m) => [m.tool_call_id, m.status])).toEqual([["n1", "success"], ["n2", "error"]]);
    expect(String(answers[1]!.content)).toMatch(/rejected.*Reason: wrong recipient/);
    expect(final.railEvents.map((e) => e.kind)).toEqual(["approval_rejected"]);
    expect(sideEffects[0]!.key).toMatch(/^sb-[0-9a-f]{40}$/);
  });

  it("re-asks after unusable edits and runs with valid edited arguments", async () => {
    sideEffects.length = 0;
    const graph = buildGraph();
    const config = { configurable: { thread_id: `edit-${Math.random()}` } };
    await graph.invoke({ messages: [ai(call("notify", { to: "a@example.com", text: "hi" }, "e1"))] }, config);
    await graph.invoke(new Command({ resume: { decision: "edit", args: { to: "not-an-email", text: "hi" } } }), config);
    expect(await pendingInterrupt(graph, config)).toMatchObject({ problem: expect.stringMatching(/edited arguments cannot be used.*`to`/) });
    await graph.invoke(new Command({ resume: "maybe" }), config);
    expect(await pendingInterrupt(graph, config)).toMatchObject({ problem: expect.stringMatching(/was not understood/) });
    const final = await graph.invoke(new Command({ resume: { decision: "edit", args: { to: "c@example.com", text: "edited" } } }), config);
    expect(sideEffects.map((effect) => effect.args)).toEqual([{ to: "c@example.com", text: "edited" }]);
    expect(String(final.messages.at(-1)!.content)).toMatch(/reviewer changed the arguments.*sent to c@example.com/s);
    expect(final.railEvents.map((e) => e.kind)).toEqual(["approval_edited"]);
  });

  it("runs without asking when the operator allows the tool", async () => {
    sideEffects.length = 0;
    const result = await executeToolCalls(ai(call("notify", { to: "a@example.com", text: "x" }, "p1")), tools, ctx(), allow);
    expect(result.messages[0]!.status).toBe("success");
    expect(sideEffects).toHaveLength(1);
  });
});
