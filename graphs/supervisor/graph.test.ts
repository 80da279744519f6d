import { describe, expect, it } from "vitest";
import { HumanMessage } from "@langchain/core/messages";
import { Command, MemorySaver } from "@langchain/langgraph";
import { ScriptedChatModel, type ScriptedReply } from "../../lib/scripted/scripted-chat-model.js";
import { ConfigError } from "../../lib/errors.js";
import { createSpecialist, staticModels, type Subagent } from "../../agents/index.js";
import { lookupTool } from "../../test/support/fake-tools.js";
import { createSupervisorBuilder } from "./graph.js";
import type { RunEpisode } from "../../lib/contracts/memory.js";

const route = (next: string, task = "", answer = ""): ScriptedReply => ({ structured: { next, task, answer } });

function team(models: Record<string, ScriptedChatModel>, tools = { researcher: lookupTool({ paris: "2.1M" }) }) {
  const provider = staticModels(models);
  const subagents: Subagent[] = [
    createSpecialist({ name: "researcher", description: "finds facts", prompt: "Research.", tools: [tools.researcher], maxIterations: 6 }, { models: provider }),
    createSpecialist({ name: "analyst", description: "computes", prompt: "Analyse.", tools: [], maxIterations: 3 }, { models: provider }),
  ];
  return { provider, subagents };
}

function supervisorGraph(models: Record<string, ScriptedChatModel>, options: { maxHops?: number; memory?: object; checkpointer?: MemorySaver } = {}) {
  const { provider, subagents } = team(models);
  return createSupervisorBuilder({ models: provider, subagents, memory: options.memory ?? {} }, { maxHops: options.maxHops ?? 6 }).compile(
    options.checkpointer ? { checkpointer: options.checkpointer } : {},
  );
}

const goal = (text: string) => ({ messages: [new HumanMessage(text)] });

describe("supervisor graph", () => {
  it("routes to specialists with briefs, aggregates their results and finishes", async () => {
    const supervisor = new ScriptedChatModel({
      replies: [route("researcher", "Find the population of Paris."), route("analyst", "Double 2.1M."), route("finish", "", "Paris: 2.1M; doubled 4.2M.")],
    });
    const researcher = new ScriptedChatModel({ replies: [{ toolCalls: [{ name: "lookup", args: { query: "paris" } }] }, "Paris has 2.1M people."] });
    const analyst = new ScriptedChatModel({ replies: ["4.2M"] });
    const out = await supervisorGraph({ supervisor, researcher, analyst }).invoke(goal("Paris population, doubled?"));

    expect(out.status).toBe("completed");
    expect(out.result).toBe("Paris: 2.1M; doubled 4.2M.");
    expect(out.work.map((w) => [w.agent, w.status])).toEqual([["researcher", "completed"], ["analyst", "completed"]]);
    expect(out.messages.map((m) => m.name ?? m.getType())).toEqual(["human", "researcher", "analyst", "supervisor"]);
    // The specialist saw its brief only, not the conversation.
    expect(researcher.calls[0]!.messages.map((m) => m.content)).toEqual(["Research.", "Find the population of Paris."]);
    // The supervisor saw the researcher's result when deciding the next step.
    expect(String(supervisor.calls[1]!.messages[1]!.content)).toContain("Paris has 2.1M people.");
    // Usage is the sum over every model call of the run.
    const all = [supervisor, researcher, analyst].flatMap((m) => m.calls);
    expect(out.usage.totalTokens).toBe(all.reduce((sum, c) => sum + c.inputTokens + c.outputTokens, 0));
    expect(out.usage).toMatchObject({ modelCalls: 6, toolCalls: 1 });
  });

  it("hands a sub-agent only what the run has left: it cannot outspend its parent", async () => {
    let n = 0;
    const supervisor = new ScriptedChatModel({ replies: [route("researcher", "Look up everything."), route("finish", "", "done")] });
    const researcher = new ScriptedChatModel({
      respond: ({ callIndex }) => (callIndex < 5 ? { toolCalls: [{ name: "lookup", args: { query: `q${n++}` } }] } : "gave up"),
    });
    const tools = { researcher: lookupTool() };
    const { provider, subagents } = team({ supervisor, researcher }, tools);
    const g = createSupervisorBuilder({ models: provider, subagents }).compile();
    const out = await g.invoke({ ...goal("dig"), limits: { maxToolCalls: 2 } });
    expect(tools.researcher.runs).toBe(2);
    expect(out.usage.toolCalls).toBe(2);
    expect(out.railEvents.map((e) => e.kind)).toContain("tool_budget_exhausted");
  });

  it("ends in budget_exceeded with the partial results when the token budget runs out", async () => {
    const supervisor = new ScriptedChatModel({ respond: ({ callIndex }) => route(callIndex % 2 ? "analyst" : "researcher", `step ${callIndex}`) });
    const researcher = new ScriptedChatModel({ respond: ({ callIndex }) => `fact ${callIndex}` });
    const analyst = new ScriptedChatModel({ respond: ({ callIndex }) => `number ${callIndex}` });
    const out = await supervisorGraph({ supervisor, researcher, analyst }, { maxHops: 50 }).invoke({ ...goal("go on forever"), limits: { maxTokens: 1_500 } });
    expect(out.status).toBe("budget_exceeded");
    expect(out.statusReason).toMatch(/token budget/);
    expect(out.result).toMatch(/Stopped before finishing[\s\S]*fact 0/);
    const lastCall = [supervisor, researcher, analyst].flatMap((m) => m.calls).reduce((max, c) => Math.max(max, c.inputTokens + c.outputTokens), 0);
    expect(out.usage.totalTokens).toBeLessThan(1_500 + lastCall);
  });

  it("stops a nested specialist at the run's deadline, then the run, naming the deadline", async () => {
    const clock = { now: Date.UTC(2030, 0, 1) };
    const deadline = new Date(clock.now + 30_000).toISOString();
    // The decision takes 5 s: the specialist starts later than the run, yet keeps its deadline.
    const supervisor = new ScriptedChatModel({ respond: ({ callIndex }) => ((clock.now += 5_000), callIndex === 0 ? route("researcher", "Look up paris.") : route("finish", "", "never")) });
    const researcher = new ScriptedChatModel({ replies: [{ toolCalls: [{ name: "lookup", args: { query: "paris" } }] }, "never"] });
    const slowLookup = { ...lookupTool({ paris: "2.1M" }), run: async () => ((clock.now += 31_000), "2.1M") };
    const { provider, subagents } = team({ supervisor, researcher }, { researcher: slowLookup as ReturnType<typeof lookupTool> });
    const g = createSupervisorBuilder({ models: provider, subagents }).compile();
    const out = await g.invoke(goal("Population of Paris?"), { configurable: { limits: { maxDurationMs: 30_000 }, clock: () => clock.now } });

    expect(out.status).toBe("budget_exceeded");
    expect(out.statusReason).toContain(deadline);
    expect(out.work.map((w) => [w.agent, w.status])).toEqual([["researcher", "budget_exceeded"]]);
    // The specialist stopped before its second model call, the supervisor before its second decision.
    expect(researcher.callsMade).toBe(1);
    expect(supervisor.callsMade).toBe(1);
    const trips = out.railEvents.filter((e) => e.kind === "deadline_exceeded");
    expect(trips.map((e) => e.agent)).toEqual(["researcher", "supervisor"]);
    for (const trip of trips) expect(trip.detail).toContain(deadline);
  });

  it("stops at its hop limit", async () => {
    const supervisor = new ScriptedChatModel({ respond: ({ callIndex }) => route("analyst", `task ${callIndex}`) });
    const analyst = new ScriptedChatModel({ respond: ({ callIndex }) => `result ${callIndex}` });
    const out = await supervisorGraph({ supervisor, analyst }, { maxHops: 3 }).invoke(goal("x"));
    expect(out.status).toBe("budget_exceeded");
    expect(out.statusReason).toMatch(/limit of 3 delegations/);
    expect(out.work).toHaveLength(3);
  });

  it("catches a repeated request with a note, then stops the loop (policy stop)", async () => {
    const supervisor = new ScriptedChatModel({ replies: [route("analyst", "compute x"), route("analyst", "compute x"), route("analyst", "compute x")] });
    const analyst = new ScriptedChatModel({ respond: () => "x = 1" });
    const out = await supervisorGraph({ supervisor, analyst }).invoke(goal("x?"));
    expect(out.status).toBe("loop_detected");
    expect(analyst.callsMade).toBe(1);
    expect(String(supervisor.calls[2]!.messages[1]!.content)).toMatch(/already gave analyst exactly this task/);
    expect(out.railEvents.map((e) => e.kind)).toEqual(["loop_warning", "loop_warning", "loop_escalated"]);
  });

  it("asks a human about a bouncing supervisor (policy ask) and goes on with the reviewer's note", async () => {
    const checkpointer = new MemorySaver();
    const supervisor = new ScriptedChatModel({
      replies: [route("researcher", "a"), route("analyst", "b"), route("researcher", "c"), route("finish", "", "enough")],
    });
    const researcher = new ScriptedChatModel({ respond: () => "same old answer" });
    const analyst = new ScriptedChatModel({ respond: () => "same old answer" });
    const g = supervisorGraph({ supervisor, researcher, analyst }, { checkpointer });
    const config = { configurable: { thread_id: "bounce", onLoop: "ask" } };
    const paused = (await g.invoke(goal("x"), config)) as { __interrupt__?: { value: { type: string } }[] };
    expect(paused.__interrupt__?.[0]?.value.type).toBe("loop_detected");
    const out = await g.invoke(new Command({ resume: { action: "continue", note: "wrap it up" } }), config);
    expect(out.status).toBe("completed");
    expect(String(supervisor.calls.at(-1)!.messages[1]!.content)).toContain("A human reviewer says: wrap it up");
  });

  it("asks again after an unreadable decision, and fails cleanly after two", async () => {
    const recovering = new ScriptedChatModel({ replies: [{ structured: { next: "nobody" } }, route("finish", "", "ok")] });
    const good = await supervisorGraph({ supervisor: recovering }).invoke(goal("x"));
    expect(good.status).toBe("completed");
    expect(String(recovering.calls[1]!.messages.at(-1)!.content)).toMatch(/could not be read/);

    const broken = new ScriptedChatModel({ replies: ["no tool call", { structured: { next: 42 } }] });
    const bad = await supervisorGraph({ supervisor: broken }).invoke(goal("x"));
    expect(bad.status).toBe("failed");
    expect(bad.statusReason).toMatch(/no readable route decision/);
  });

  it("records a failing model endpoint as failed", async () => {
    const out = await supervisorGraph({ supervisor: new ScriptedChatModel({ replies: [new Error("503 upstream")] }) }).invoke(goal("x"));
    expect(out.status).toBe("failed");
    expect(out.statusReason).toMatch(/503 upstream/);
  });

  it("starts a new run for a follow-up on the same thread, remembering the earlier exchange", async () => {
    const checkpointer = new MemorySaver();
    const supervisor = new ScriptedChatModel({ replies: [route("finish", "", "first answer"), route("finish", "", "second answer")] });
    const g = supervisorGraph({ supervisor }, { checkpointer });
    const config = { configurable: { thread_id: "follow-up" } };
    await g.invoke(goal("first question"), config);
    const out = await g.invoke(goal("and a follow-up?"), config);
    expect(out.status).toBe("completed");
    expect(out.goal).toBe("and a follow-up?");
    expect(out.usage.modelCalls).toBe(1);
    const prompt = String(supervisor.calls[1]!.messages[1]!.content);
    expect(prompt).toContain("User: first question");
    expect(prompt).toContain("You answered: first answer");
  });

  it("shows recalled episodes to the supervisor and records the episode at the end", async () => {
    const recorded: RunEpisode[] = [];
    const memory = {
      recall: async (g: string) => [`last time "${g}" took the researcher one search`],
      record: async (episode: RunEpisode) => void recorded.push(episode),
    };
    const supervisor = new ScriptedChatModel({ replies: [route("finish", "", "done")] });
    await supervisorGraph({ supervisor }, { memory }).invoke(goal("population of Paris"));
    expect(String(supervisor.calls[0]!.messages[1]!.content)).toContain('last time "population of Paris" took the researcher one search');
    expect(recorded[0]).toMatchObject({ graphId: "supervisor", goal: "population of Paris", answer: "done", status: "completed" });
  });

  it("refuses a broken team and says what to change", () => {
    const { provider, subagents } = team({});
    expect(() => createSupervisorBuilder({ models: provider, subagents: [...subagents, subagents[0]!] })).toThrow(/used twice/);
    expect(() => createSupervisorBuilder({ models: provider, subagents: [] })).toThrow(ConfigError);
    expect(() => createSupervisorBuilder({ models: provider, subagents }, { maxHops: 0 })).toThrow(/maxHops/);
    const named = { ...subagents[0]!, name: "messages" };
    expect(() => createSupervisorBuilder({ models: provider, subagents: [named] })).toThrow(/reserved/);
  });
});
