import { describe, expect, it } from "vitest";
import { HumanMessage } from "@langchain/core/messages";
import { Command, MemorySaver } from "@langchain/langgraph";
import { ScriptedChatModel } from "../../lib/scripted/scripted-chat-model.js";
import { ConfigError } from "../../lib/errors.js";
import { createSpecialist, createSpecialistBuilder, type SpecialistDefinition } from "./specialist.js";
import { staticModels } from "../models.js";
import { lookupTool } from "../../test/support/fake-tools.js";

const lookup = () => lookupTool({ paris: "Paris has 2.1 million inhabitants." });

function agent(model: ScriptedChatModel, overrides: Partial<SpecialistDefinition> = {}) {
  return createSpecialist(
    { name: "researcher", description: "finds facts", prompt: "You are a researcher.", tools: [lookup()], maxIterations: 5, ...overrides },
    { models: staticModels(model) },
  );
}

type Interrupted = { __interrupt__?: { value: { error?: string } & Record<string, unknown> }[] };

const task = (text: string) => ({ messages: [new HumanMessage(text)] });

describe("specialist agent", () => {
  it("calls a tool, answers, and accounts usage; the model sees prompt, task and result", async () => {
    const model = new ScriptedChatModel({
      replies: [{ toolCalls: [{ name: "lookup", args: { query: "paris" } }] }, "Paris has 2.1M people."],
    });
    const out = await agent(model).graph.invoke(task("How many people live in Paris?"));
    expect(out.status).toBe("completed");
    expect(out.result).toBe("Paris has 2.1M people.");
    expect(out.usage).toMatchObject({ modelCalls: 2, toolCalls: 1 });
    expect(out.usage.totalTokens).toBe(model.calls.reduce((sum, call) => sum + call.inputTokens + call.outputTokens, 0));
    const seen = model.calls[1]!.messages;
    expect(seen.map((m) => m.getType())).toEqual(["system", "human", "ai", "tool"]);
    expect(seen[0]!.content).toBe("You are a researcher.");
    expect(seen[3]!.content).toContain("2.1 million");
  });

  it("stops at its iteration limit in the budget_exceeded state, answering every call", async () => {
    let n = 0;
    const model = new ScriptedChatModel({ respond: () => ({ toolCalls: [{ name: "lookup", args: { query: `q${n++}` } }] }) });
    const out = await agent(model, { maxIterations: 3 }).graph.invoke(task("dig"));
    expect(out.status).toBe("budget_exceeded");
    expect(out.statusReason).toMatch(/iteration limit \(3/);
    expect(model.callsMade).toBe(3);
    expect(out.railEvents.map((e: { kind: string }) => e.kind)).toContain("iteration_limit");
  });

  it("honours the token budget handed down by its caller", async () => {
    let n = 0;
    const model = new ScriptedChatModel({ respond: () => ({ toolCalls: [{ name: "lookup", args: { query: `q${n++}` } }] }) });
    const out = await agent(model, { maxIterations: 50 }).graph.invoke({ ...task("dig"), limits: { maxTokens: 300 } });
    expect(out.status).toBe("budget_exceeded");
    expect(out.statusReason).toMatch(/token budget/);
    // It stopped as soon as the budget was spent: the last call is the one that crossed it.
    expect(out.usage.totalTokens).toBeGreaterThanOrEqual(300);
    expect(out.usage.totalTokens - model.calls.at(-1)!.inputTokens - model.calls.at(-1)!.outputTokens).toBeLessThan(300);
    const last = out.messages.at(-1)!;
    expect(last.getType()).toBe("tool");
    expect(last.content).toMatch(/Not run/);
  });

  it("prices every call with the run's price table and stops at the cost budget", async () => {
    let n = 0;
    const model = new ScriptedChatModel({ modelName: "pricey-1", respond: () => ({ toolCalls: [{ name: "lookup", args: { query: `q${n++}` } }] }) });
    const config = { configurable: { prices: { pricey: { inputPerMillion: 1_000, outputPerMillion: 2_000 } }, limits: { maxCostUsd: 0.5 } } };
    const out = await agent(model, { maxIterations: 50 }).graph.invoke(task("dig"), config);
    expect(out.status).toBe("budget_exceeded");
    expect(out.statusReason).toMatch(/cost \(USD\) budget/);
    const expected = model.calls.reduce((sum, c) => sum + (c.inputTokens * 1_000 + c.outputTokens * 2_000) / 1_000_000, 0);
    expect(out.usage.costUsd).toBeCloseTo(expected, 9);
    expect(out.usage.costUsd - (model.calls.at(-1)!.inputTokens * 1_000 + model.calls.at(-1)!.outputTokens * 2_000) / 1_000_000).toBeLessThan(0.5);
  });

  it("turns unknown tools and malformed arguments into errors the model corrects", async () => {
    const model = new ScriptedChatModel({
      replies: [
        { toolCalls: [{ name: "nope", args: {} }] },
        { invalidToolCalls: [{ name: "lookup", args: "{query: paris" }] },
        { toolCalls: [{ name: "lookup", args: { wrong: 1 } }] },
        "I could not look it up.",
      ],
    });
    const out = await agent(model).graph.invoke(task("look up paris"));
    expect(out.status).toBe("completed");
    const errors = out.messages.filter((m) => m.getType() === "tool").map((m) => String(m.content));
    expect(errors[0]).toMatch(/no tool named 'nope'/);
    expect(errors[1]).toMatch(/not valid JSON/);
    expect(errors[2]).toMatch(/Invalid arguments for lookup/);
  });

  it("nudges once after an empty reply and fails cleanly after a second", async () => {
    const once = new ScriptedChatModel({ replies: ["", "answer"] });
    expect((await agent(once).graph.invoke(task("x"))).status).toBe("completed");
    const twice = new ScriptedChatModel({ replies: ["", ""] });
    const out = await agent(twice).graph.invoke(task("x"));
    expect(out.status).toBe("failed");
    expect(out.statusReason).toMatch(/empty reply twice/);
  });

  it("records a failed model call as the failed state", async () => {
    const model = new ScriptedChatModel({ replies: [new Error("endpoint down")] });
    const out = await agent(model).graph.invoke(task("x"));
    expect(out.status).toBe("failed");
    expect(out.statusReason).toMatch(/endpoint down/);
  });

  it("warns about a repeated call, then stops the run in loop_detected (policy stop)", async () => {
    const model = new ScriptedChatModel({ respond: () => ({ toolCalls: [{ name: "lookup", args: { query: "paris" } }] }) });
    const tools = [lookup()];
    const out = await agent(model, { tools, maxIterations: 20 }).graph.invoke(task("x"));
    expect(out.status).toBe("loop_detected");
    expect(tools[0]!.runs).toBe(2);
    const kinds = out.railEvents.map((e: { kind: string }) => e.kind);
    expect(kinds).toEqual(["loop_warning", "loop_escalated"]);
    // The model saw the corrective note before it repeated itself again.
    expect(model.calls[3]!.messages.at(-1)!.content).toMatch(/Loop detected/);
  });

  it("asks a human when a loop persists (policy ask): continue lets it go on, stop ends it", async () => {
    const checkpointer = new MemorySaver();
    const compiled = () =>
      createSpecialistBuilder(
        { name: "researcher", description: "d", prompt: "p", tools: [lookup()], maxIterations: 20 },
        {
          models: staticModels(
            new ScriptedChatModel({
              replies: [...Array.from({ length: 4 }, () => ({ toolCalls: [{ name: "lookup", args: { query: "paris" } }] })), "finally done"],
            }),
          ),
        },
      ).compile({ checkpointer });

    const g = compiled();
    const config = { configurable: { thread_id: "loop-ask", onLoop: "ask" } };
    const paused = (await g.invoke(task("x"), config)) as Interrupted;
    expect(paused.__interrupt__?.[0]?.value).toMatchObject({ type: "loop_detected", agent: "researcher" });
    const resumed = await g.invoke(new Command({ resume: { action: "continue", note: "fine, one more" } }), config);
    expect(resumed.status).toBe("completed");
    expect(resumed.result).toBe("finally done");
    expect(resumed.messages.some((m: { content: unknown }) => String(m.content).includes("fine, one more"))).toBe(true);

    const g2 = compiled();
    const config2 = { configurable: { thread_id: "loop-ask-2", onLoop: "ask" } };
    await g2.invoke(task("x"), config2);
    // An answer it cannot read is asked again, not taken as a decision.
    const again = (await g2.invoke(new Command({ resume: "maybe" }), config2)) as Interrupted;
    expect(again.__interrupt__?.[0]?.value.error).toMatch(/continue/);
    const stopped = await g2.invoke(new Command({ resume: "stop" }), config2);
    expect(stopped.status).toBe("loop_detected");
  });

  it("refuses a bad definition and says how to fix it", () => {
    const model = new ScriptedChatModel();
    expect(() => agent(model, { name: "Research Team" })).toThrow(ConfigError);
    expect(() => agent(model, { name: "Research Team" })).toThrow(/snake_case/);
    expect(() => agent(model, { maxIterations: 0 })).toThrow(/maxIterations/);
    expect(() => agent(model, { tools: [lookup(), lookup()] })).toThrow(/twice/);
    expect(() => agent(model, { context: { maxTokens: 10 } })).toThrow(/at least 256/);
  });
});
