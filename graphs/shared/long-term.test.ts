import { describe, expect, it } from "vitest";
import { HumanMessage } from "@langchain/core/messages";
import { parseEnv } from "../../lib/env.js";
import { ScriptedChatModel, type ScriptedReply } from "../../lib/scripted/scripted-chat-model.js";
import { openLongTermMemory, PAST_RUNS_HEADING } from "../../memory/index.js";
import { createSpecialist, staticModels } from "../../agents/index.js";
import { createSupervisorBuilder } from "../supervisor/graph.js";
import { lazyLongTermServices, longTermServices } from "./long-term.js";

const route = (next: string, task = "", answer = ""): ScriptedReply => ({ structured: { next, task, answer } });

describe("long-term memory wired into the graphs", () => {
  it("recalls an earlier run's episode for a later, similar goal, and loads skills into the specialist's prompt", async () => {
    const memory = await openLongTermMemory(parseEnv({}));
    await memory.skills.saveSkill("default", { name: "compare_cities", whenToUse: "When comparing the populations of two cities.", steps: ["Look up both figures", "Compute the ratio"] }, { kind: "human", id: "ops" });
    const services = longTermServices(memory);
    const supervisor = new ScriptedChatModel({ replies: [route("researcher", "Find the populations of Paris and Berlin."), route("finish", "", "Berlin is larger."), route("finish", "", "Again: Berlin.")] });
    const researcher = new ScriptedChatModel({ replies: ["Paris 2.1M, Berlin 3.6M."] });
    const models = staticModels({ supervisor, researcher });
    const subagent = createSpecialist({ name: "researcher", description: "finds facts", prompt: "You are the researcher.", tools: [], maxIterations: 3 }, { models, skills: services.skills });
    const graph = createSupervisorBuilder({ models, subagents: [subagent], memory: services.memory }).compile();

    await graph.invoke({ messages: [new HumanMessage("Compare the populations of Paris and Berlin")] }, { configurable: { thread_id: "a" } });
    expect(String(researcher.calls[0]!.messages[0]!.content)).toMatch(/You are the researcher\.[\s\S]*compare_cities/);
    await graph.invoke({ messages: [new HumanMessage("Which is bigger, Paris or Berlin?")] }, { configurable: { thread_id: "b" } });
    const laterPrompt = String(supervisor.calls.at(-1)!.messages[1]!.content);
    expect(laterPrompt).toContain(PAST_RUNS_HEADING);
    expect(laterPrompt).toMatch(/- past run: \d{4}-\d\d-\d\d · completed · \d+ tokens · similarity [\d.]+ · topic words: compare, populations, paris, berlin · steps: researcher 1 ok/);
    await memory.close();
  });

  it("opens memory lazily, once, and turns a failing open into no memory rather than a failed run", async () => {
    let opens = 0;
    const services = lazyLongTermServices(async () => {
      opens++;
      throw new Error("redis is away");
    });
    expect(opens).toBe(0);
    const supervisor = new ScriptedChatModel({ replies: [route("finish", "", "done")] });
    const models = staticModels({ supervisor });
    const subagent = createSpecialist({ name: "researcher", description: "finds facts", prompt: "p", tools: [], maxIterations: 2 }, { models });
    const out = await createSupervisorBuilder({ models, subagents: [subagent], memory: services.memory }).compile().invoke({ messages: [new HumanMessage("x")] });
    expect(out.status).toBe("completed");
    expect(out.railEvents.filter((e) => e.kind === "memory_error").map((e) => e.detail)).toEqual([
      expect.stringMatching(/could not recall episodes: redis is away/),
      expect.stringMatching(/could not store the episode: redis is away/),
    ]);
    expect(opens).toBe(2);
  });
});
