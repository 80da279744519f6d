import { describe, expect, it } from "vitest";
import { HumanMessage } from "@langchain/core/messages";
import { ScriptedChatModel, type ScriptedReply } from "../../lib/scripted/scripted-chat-model.js";
import { createSpecialist, staticModels } from "../../agents/index.js";
import { lookupTool } from "../../test/support/fake-tools.js";
import { createHierarchicalBuilder } from "./graph.js";

const route = (next: string, task = "", answer = ""): ScriptedReply => ({ structured: { next, task, answer } });

function build(models: Record<string, ScriptedChatModel>, lookup = lookupTool({ paris: "2.1M" })) {
  const provider = staticModels(models, new ScriptedChatModel({ respond: () => "unused" }));
  const specialist = (name: string, tools = [] as ReturnType<typeof lookupTool>[]) =>
    createSpecialist({ name, description: `the ${name}`, prompt: `You are the ${name}.`, tools, maxIterations: 5 }, { models: provider });
  const subagents = [specialist("researcher", [lookup]), specialist("analyst"), specialist("writer"), specialist("operator")];
  return createHierarchicalBuilder({ models: provider, subagents }).compile();
}

describe("hierarchical graph", () => {
  it("delegates to team supervisors, which delegate to their specialists", async () => {
    const models = {
      hierarchical: new ScriptedChatModel({ replies: [route("research_team", "Find Paris' population."), route("production_team", "Write it up: 2.1M."), route("finish", "", "Paris: 2.1M (report written).")] }),
      research_team: new ScriptedChatModel({ replies: [route("researcher", "Look up paris."), route("finish", "", "2.1M")] }),
      production_team: new ScriptedChatModel({ replies: [route("writer", "One line on 2.1M."), route("finish", "", "Report: Paris has 2.1M.")] }),
      researcher: new ScriptedChatModel({ replies: [{ toolCalls: [{ name: "lookup", args: { query: "paris" } }] }, "2.1M"] }),
      writer: new ScriptedChatModel({ replies: ["Paris has 2.1M."] }),
    };
    const out = await build(models).invoke({ messages: [new HumanMessage("Paris report")] });
    expect(out.status).toBe("completed");
    expect(out.result).toBe("Paris: 2.1M (report written).");
    expect(out.work.map((w) => [w.agent, w.result])).toEqual([["research_team", "2.1M"], ["production_team", "Report: Paris has 2.1M."]]);
    // The team supervisor got the top supervisor's brief as its goal.
    expect(String(models.research_team.calls[0]!.messages[1]!.content)).toContain("Goal: Find Paris' population.");
    // Usage rolls up through both levels.
    const all = Object.values(models).flatMap((m) => m.calls);
    expect(out.usage.modelCalls).toBe(all.length);
    expect(out.usage.totalTokens).toBe(all.reduce((sum, c) => sum + c.inputTokens + c.outputTokens, 0));
  });

  it("hands budgets down two levels: a specialist cannot outspend its team or the run", async () => {
    let n = 0;
    const lookup = lookupTool();
    const models = {
      hierarchical: new ScriptedChatModel({ replies: [route("research_team", "dig"), route("finish", "", "done")] }),
      research_team: new ScriptedChatModel({ replies: [route("researcher", "dig deep"), route("finish", "", "dug")] }),
      researcher: new ScriptedChatModel({ respond: ({ callIndex }) => (callIndex < 4 ? { toolCalls: [{ name: "lookup", args: { query: `q${n++}` } }] } : "out of calls") }),
    };
    const out = await build(models, lookup).invoke({ messages: [new HumanMessage("dig")], limits: { maxToolCalls: 1 } });
    expect(lookup.runs).toBe(1);
    expect(out.usage.toolCalls).toBe(1);
    expect(out.railEvents.filter((e) => e.kind === "tool_budget_exhausted").length).toBeGreaterThan(0);
  });
});
