import { describe, expect, it } from "vitest";
import { HumanMessage } from "@langchain/core/messages";
import { z } from "zod";
import { ScriptedChatModel, type ScriptedReply } from "../../lib/scripted/scripted-chat-model.js";
import { createSpecialist, staticModels, type AnyToolSpec } from "../../agents/index.js";
import { createPlannerBuilder } from "./graph.js";

const plan = (...tasks: { id: string; agent: string; task: string; dependsOn?: string[] }[]): ScriptedReply => ({
  structured: { tasks: tasks.map((t) => ({ dependsOn: [], ...t })) },
});

/** A tool that only answers once `parties` calls are waiting at once: sequential calls time out. */
function barrierTool(parties: number): AnyToolSpec {
  let waiting: (() => void)[] = [];
  return {
    name: "meet",
    description: "Waits for the other parallel sub-tasks to arrive.",
    schema: z.object({ who: z.string() }),
    timeoutMs: 5_000,
    sideEffect: "read_only",
    run: ({ who }: { who: string }) =>
      new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`${who} waited alone: sub-tasks did not run in parallel`)), 4_000);
        waiting.push(() => (clearTimeout(timer), resolve(`${who} met the others`)));
        if (waiting.length === parties) {
          for (const release of waiting) release();
          waiting = [];
        }
      }),
  };
}

/** A clock the test moves: `meet` moves it when the parallel sub-tasks meet. */
function manualClock(start: number) {
  const clock = { now: start, read: () => clock.now };
  return clock;
}

function build(models: Record<string, ScriptedChatModel>, tools: AnyToolSpec[] = []) {
  const provider = staticModels(models);
  const subagents = ["researcher", "analyst", "writer"].map((name) =>
    createSpecialist({ name, description: `the ${name}`, prompt: `You are the ${name}.`, tools, maxIterations: 4 }, { models: provider }),
  );
  return createPlannerBuilder({ models: provider, subagents }).compile();
}

describe("planner graph", () => {
  it("runs independent sub-tasks in parallel, then the dependent one with their results, then aggregates", async () => {
    const meetOrAnswer = (who: string) =>
      new ScriptedChatModel({ respond: ({ messages }) => (messages.some((m) => m.getType() === "tool") ? `${who} done: ${messages.at(-1)!.content}` : { toolCalls: [{ name: "meet", args: { who } }] }) });
    const models = {
      planner: new ScriptedChatModel({
        replies: [plan({ id: "a", agent: "researcher", task: "facts" }, { id: "b", agent: "analyst", task: "numbers" }, { id: "c", agent: "writer", task: "report", dependsOn: ["a", "b"] }), "Final: all three done."],
      }),
      researcher: meetOrAnswer("researcher"),
      analyst: meetOrAnswer("analyst"),
      writer: new ScriptedChatModel({ replies: ["report written"] }),
    };
    const out = await build(models, [barrierTool(2)]).invoke({ messages: [new HumanMessage("report on Paris")] });
    expect(out.status).toBe("completed");
    expect(out.results.map((r) => r.id).sort()).toEqual(["a", "b", "c"]);
    expect(out.results.find((r) => r.id === "a")!.result).toContain("researcher met the others");
    expect(out.results.find((r) => r.id === "b")!.result).toContain("analyst met the others");
    // The dependent task saw the results it builds on.
    const writerBrief = String(models.writer.calls[0]!.messages[1]!.content);
    expect(writerBrief).toContain("researcher done");
    expect(writerBrief).toContain("analyst done");
    expect(out.result).toBe("Final: all three done.");
    expect(String(models.planner.calls[1]!.messages[1]!.content)).toContain("report written");
  });

  it("splits what is left of the budgets between parallel sub-tasks", async () => {
    let n = 0;
    const counting = () => new ScriptedChatModel({ respond: ({ callIndex }) => (callIndex < 3 ? { toolCalls: [{ name: "meet", args: { who: `w${n++}` } }] } : "stopped") });
    const runs: string[] = [];
    const tool: AnyToolSpec = { name: "meet", description: "Records who called it.", schema: z.object({ who: z.string() }), timeoutMs: 1_000, sideEffect: "read_only", run: async ({ who }: { who: string }) => (runs.push(who), "ok") };
    const models = { planner: new ScriptedChatModel({ replies: [plan({ id: "a", agent: "researcher", task: "x" }, { id: "b", agent: "analyst", task: "y" }), "done"] }), researcher: counting(), analyst: counting() };
    const out = await build(models, [tool]).invoke({ messages: [new HumanMessage("go")], limits: { maxToolCalls: 2 } });
    expect(runs).toHaveLength(2);
    expect(out.usage.toolCalls).toBe(2);
    // Out of tool calls, the agents are told so and answer with what they have.
    expect(out.status).toBe("completed");
    expect(new Set(out.railEvents.filter((e) => e.kind === "tool_budget_exhausted").map((e) => e.agent))).toEqual(new Set(["researcher", "analyst"]));
  });

  it("shares the run's deadline between parallel sub-tasks instead of splitting it, and ends the run at it", async () => {
    const clock = manualClock(Date.UTC(2030, 0, 1));
    const deadline = new Date(clock.now + 60_000).toISOString();
    let parties: (() => void)[] = [];
    let round = 0;
    // Both sub-tasks call meet; when both are there, time jumps: 40 s at the first meeting, 30 s more at the second.
    const meet: AnyToolSpec = {
      name: "meet",
      description: "Waits for the other parallel sub-task.",
      schema: z.object({ who: z.string(), round: z.number() }),
      timeoutMs: 5_000,
      sideEffect: "read_only",
      run: () =>
        new Promise((resolve) => {
          parties.push(() => resolve("met"));
          if (parties.length < 2) return;
          clock.now += round++ === 0 ? 40_000 : 30_000;
          for (const release of parties) release();
          parties = [];
        }),
    };
    const meeting = (who: string) => new ScriptedChatModel({ respond: ({ callIndex }) => ({ toolCalls: [{ name: "meet", args: { who, round: callIndex } }] }) });
    // Planning takes 10 s: the sub-tasks start later than the run, yet keep its deadline.
    const planning = () => ((clock.now += 10_000), plan({ id: "a", agent: "researcher", task: "x" }, { id: "b", agent: "analyst", task: "y" }));
    const models = { planner: new ScriptedChatModel({ respond: planning }), researcher: meeting("researcher"), analyst: meeting("analyst") };
    const out = await build(models, [meet]).invoke({ messages: [new HumanMessage("go")] }, { configurable: { limits: { maxDurationMs: 60_000 }, clock: clock.read } });

    expect(out.status).toBe("budget_exceeded");
    expect(out.statusReason).toContain(deadline);
    // 50 s in, each sub-task could go on (split deadlines of 30 s would have stopped them); 80 s in, both stopped.
    expect(models.researcher.callsMade).toBe(2);
    expect(models.analyst.callsMade).toBe(2);
    expect(out.results.map((r) => [r.id, r.status])).toEqual([["a", "budget_exceeded"], ["b", "budget_exceeded"]]);
    const trips = out.railEvents.filter((e) => e.kind === "deadline_exceeded");
    expect(trips.map((e) => e.agent).sort()).toEqual(["analyst", "planner", "researcher"]);
    for (const trip of trips) expect(trip.detail).toContain(deadline);
    expect(models.planner.callsMade).toBe(1);
  });

  it("repairs an inconsistent plan, asks again for an unusable one, and fails cleanly when it cannot plan", async () => {
    const cyclic = plan({ id: "a", agent: "researcher", task: "x", dependsOn: ["b"] }, { id: "b", agent: "analyst", task: "y", dependsOn: ["a"] }, { id: "b", agent: "writer", task: "z", dependsOn: ["zzz"] });
    const repaired = await build({
      planner: new ScriptedChatModel({ replies: [cyclic, "fine"] }),
      researcher: new ScriptedChatModel({ replies: ["r"] }),
      analyst: new ScriptedChatModel({ replies: ["a"] }),
      writer: new ScriptedChatModel({ replies: ["w"] }),
    }).invoke({ messages: [new HumanMessage("go")] });
    expect(repaired.status).toBe("completed");
    expect(repaired.plan.map((t) => [t.id, t.dependsOn])).toEqual([["a", []], ["b", ["a"]], ["b-2", []]]);
    expect(repaired.railEvents.find((e) => e.kind === "plan_repaired")?.detail).toMatch(/'a' on 'b'.*'b' to 'b-2'.*on 'zzz'/);

    const fixing = new ScriptedChatModel({ replies: [plan({ id: "a", agent: "nobody", task: "x" }), plan({ id: "a", agent: "researcher", task: "x" }), "fine"] });
    const ok = await build({ planner: fixing, researcher: new ScriptedChatModel({ replies: ["r"] }) }).invoke({ messages: [new HumanMessage("go")] });
    expect(ok.status).toBe("completed");
    expect(String(fixing.calls[1]!.messages.at(-1)!.content)).toMatch(/could not be used/);

    const hopeless = new ScriptedChatModel({ replies: [plan({ id: "a", agent: "nobody", task: "x" }), { structured: { tasks: [] } }] });
    const bad = await build({ planner: hopeless }).invoke({ messages: [new HumanMessage("go")] });
    expect(bad.status).toBe("failed");
    expect(bad.statusReason).toMatch(/could not plan/);
  });
});
