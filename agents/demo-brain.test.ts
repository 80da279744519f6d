import { describe, expect, it } from "vitest";
import { HumanMessage, SystemMessage } from "@langchain/core/messages";
import { demoBrain } from "./demo-brain.js";

const tool = (name: string, properties: Record<string, unknown> = { query: { type: "string" } }) => ({ name, description: name, parameters: { type: "object", properties } });
const routeTool = tool("route", { next: { type: "string", enum: ["researcher", "analyst", "writer", "finish"] }, task: { type: "string" }, answer: { type: "string" } });
const ask = (text: string, tools: ReturnType<typeof tool>[], forcedTool?: string) => demoBrain({ messages: [new SystemMessage("prompt"), new HumanMessage(text)], tools, forcedTool, callIndex: 0 });

describe("the offline demo's script", () => {
  it("routes on this run's work log only, not on specialists named by past runs", () => {
    const request = "Goal: Explain Redis persistence\n\nFacts about this user's earlier runs:\n- [researcher] (completed) Task: old\n  Result: old\n\nWork so far:\n(nothing yet)";
    expect(ask(request, [routeTool], "route")).toMatchObject({ structured: { next: "researcher" } });
    const later = "Goal: Explain Redis persistence\n\nWork so far:\n- [researcher] (completed) Task: t\n  Result: AOF keeps every write";
    const reply = ask(later, [routeTool], "route") as { structured: { next: string; task: string } };
    expect(reply.structured.next).toBe("analyst");
    expect(reply.structured.task).toContain("Found so far:\n- researcher (completed): AOF keeps every write");
  });

  it("searches the knowledge base with the goal's words, not the brief's instructions", () => {
    const reply = ask("Explain Redis persistence — do the researcher's part and report what you found.", [tool("search_knowledge")]) as { toolCalls: { name: string; args: { query: string } }[] };
    expect(reply.toolCalls[0]).toMatchObject({ name: "search_knowledge", args: { query: "Explain Redis persistence" } });
  });

  it("computes only with numbers the goal gives", () => {
    const compute = [tool("calculator", { expression: { type: "string" } }), tool("run_javascript", { code: { type: "string" } })];
    expect(ask("Compare Paris (2148000) and Berlin (3645000) — do the analyst's part and report what you found.", compute)).toMatchObject({ toolCalls: [{ name: "calculator", args: { expression: "2148000 / 3645000" } }] });
    expect(ask("What is 17 * 23?", compute)).toMatchObject({ toolCalls: [{ name: "calculator", args: { expression: "17 * 23" } }] });
    expect(ask("What is 6 plus 7?", compute)).toMatchObject({ toolCalls: [{ name: "calculator", args: { expression: "6 + 7" } }] });
    expect(ask("Explain Redis persistence — do the analyst's part and report what you found.", compute)).toBe("[offline demo] The goal gives no numbers, so there is nothing to compute.");
  });

  it("writes a note that quotes what was found", () => {
    const brief = "Explain Redis persistence — do the writer's part and report what you found.\nFound so far:\n- researcher (completed): AOF keeps every write";
    const reply = ask(brief, [tool("write_file", { path: { type: "string" }, content: { type: "string" } })]) as unknown as { toolCalls: { args: { content: string } }[] };
    expect(reply.toolCalls[0]!.args.content).toContain("Goal: Explain Redis persistence\n");
    expect(reply.toolCalls[0]!.args.content).toContain("> - researcher (completed): AOF keeps every write");
  });
});
