import { describe, expect, it } from "vitest";
import { HumanMessage } from "@langchain/core/messages";
import { ScriptedChatModel } from "../../lib/scripted/scripted-chat-model.js";
import { lookupTool } from "../../test/support/fake-tools.js";
import { staticModels } from "../models.js";
import type { Subagent } from "../subagent.js";
import { buildSpecialist, createSpecialists, defineSpecialist, SPECIALISTS, type SpecialistName } from "./index.js";

/** Runs a sub-agent on a task, as a parent would. */
const run = (subagent: Subagent, task: string) => subagent.graph.invoke({ messages: [new HumanMessage(task)], limits: {} }) as Promise<{ status: string; statusReason: string; result: string }>;

/** Every tool any shipped specialist names, as instant fakes. */
const allTools = Object.fromEntries(Object.values(SPECIALISTS).flatMap((s) => s.tools).map((name) => [name, lookupTool({}, name)]));

describe("the shipped specialists", () => {
  it("are declared under their own names and build into sub-agents that see only their own tools", async () => {
    for (const [key, blueprint] of Object.entries(SPECIALISTS)) expect(blueprint.name).toBe(key);
    const model = new ScriptedChatModel({ respond: () => "done" });
    const built = createSpecialists({ models: staticModels(model), tools: allTools });
    expect(built.map((s) => s.name)).toEqual(["researcher", "analyst", "writer", "operator"]);
    expect(built.map((s) => s.graph.name)).toEqual(["researcher", "analyst", "writer", "operator"]);
    const analyst = built.find((s) => s.name === "analyst")!;
    expect(await run(analyst, "2+2")).toMatchObject({ status: "completed", result: "done" });
    expect(model.calls[0]!.tools.map((t) => t.name)).toEqual(["calculator", "run_javascript"]);
  });

  it("builds a chosen set with per-agent overrides, and names the choices for an unknown one", async () => {
    const model = new ScriptedChatModel({ respond: () => ({ toolCalls: [{ name: "write_file", args: { query: "x" } }] }) });
    const [writer] = createSpecialists({ models: staticModels(model), tools: allTools }, ["writer"], { writer: { maxIterations: 1, prompt: "Write tersely." } });
    const out = await run(writer!, "a report");
    expect(out.statusReason).toMatch(/iteration limit \(1 model calls\)/);
    expect(model.calls[0]!.messages[0]!.content).toBe("Write tersely.");
    expect(() => createSpecialists({ models: staticModels(model), tools: allTools }, ["poet" as SpecialistName])).toThrow(/Unknown specialist 'poet'; choose from researcher, analyst, writer, operator/);
  });

  it("builds a new specialist from its declaration alone, and says when none of its tools is on offer", async () => {
    const critic = defineSpecialist({ name: "critic", description: "Reviews drafts.", prompt: "You are the critic.", tools: ["lookup"], maxIterations: 2 });
    const model = new ScriptedChatModel({ respond: () => "looks fine" });
    const built = buildSpecialist(critic, { models: staticModels(model), tools: { lookup: lookupTool() } });
    expect(await run(built, "review this")).toMatchObject({ status: "completed", result: "looks fine" });
    const toolless = buildSpecialist(critic, { models: staticModels(model), tools: {} });
    const out = await run(toolless, "review this");
    expect(out.status).toBe("failed");
    expect(out.statusReason).toMatch(/Agent 'critic' has none of its tools on offer/);
  });
});
