import { describe, expect, it } from "vitest";
import { agentOfNamespace, applyStreamEvent, displayedUsage, emptyRunView, type RunView } from "./run-view.js";

const fold = (events: [string, unknown][], start: RunView = emptyRunView()) => events.reduce((view, [event, data]) => applyStreamEvent(view, event, data), start);

describe("the live run view", () => {
  it("shows agents as they start and end, their tool calls, and the handoffs", () => {
    const view = fold([
      ["metadata", { run_id: "r1", attempt: 1 }],
      ["custom", { type: "handoff", from: "supervisor", to: "researcher", task: "look it up" }],
      ["custom", { type: "agent_start", agent: "researcher", task: "look it up" }],
      ["custom", { type: "tool_call", agent: "researcher", tool: "search_knowledge", args: { query: "x" } }],
      ["custom", { type: "tool_result", agent: "researcher", tool: "search_knowledge", ok: true, preview: "found" }],
    ]);
    expect(view.status).toBe("running");
    expect(view.runId).toBe("r1");
    expect(view.activeNode).toBe("researcher");
    expect(view.agents).toEqual([{ name: "researcher", status: "working", task: "look it up", toolCalls: 1 }]);
    expect(view.feed.map((item) => item.kind)).toEqual(["run", "handoff", "agent", "tool", "result"]);
    expect(view.feed[3]!.text).toBe('search_knowledge({"query":"x"})');

    const ended = fold([["custom", { type: "agent_end", agent: "researcher", status: "completed", reason: null }]], view);
    expect(ended.agents[0]!.status).toBe("done");
    const failed = fold([["custom", { type: "agent_end", agent: "researcher", status: "budget_exceeded", reason: "tokens" }]], view);
    expect(failed.agents[0]!.status).toBe("failed");
  });

  it("names a model call after the sub-agent whose namespace it came from, and a result handed back after its node", () => {
    const view = fold([
      ["updates|researcher:0a1b", { model: { messages: [{ type: "ai", content: "", tool_calls: [{ name: "web_search", args: {} }] }] } }],
      ["updates|research_team:1|analyst:2", { model: { messages: [{ type: "ai", content: "42", tool_calls: [] }] } }],
      ["updates", { researcher: { messages: [{ type: "ai", name: "researcher", content: "the facts" }] } }],
    ]);
    expect(view.feed).toEqual([
      { kind: "model", agent: "researcher", text: "model asks for web_search" },
      { kind: "model", agent: "analyst", text: "model answers: 42" },
      { kind: "result", agent: "researcher", text: "reports: the facts" },
    ]);
    expect(agentOfNamespace("a:1|b:2")).toBe("b");
  });

  it("shows a message once although several updates carry it, and names a model call in a task node after the agent working", () => {
    const answer = { type: "ai", id: "m1", content: "done", tool_calls: [] };
    const view = fold([
      ["custom", { type: "agent_start", agent: "writer", task: "write" }],
      ["updates|run_task:7", { model: { messages: [answer] } }],
      ["updates|run_task:7", { writer: { messages: [answer] } }],
    ]);
    expect(view.feed.filter((item) => item.kind === "model")).toEqual([{ kind: "model", agent: "writer", text: "model answers: done" }]);
    expect(agentOfNamespace(undefined)).toBeNull();
  });

  it("climbs tokens and cost with subgraph spending, and counts it once when the root state reports the total", () => {
    const usage = (totalTokens: number, costUsd: number) => ({ inputTokens: totalTokens, outputTokens: 0, totalTokens, costUsd, modelCalls: 1, toolCalls: 0 });
    let view = fold([["values", { usage: usage(100, 0.01) }]]);
    expect(displayedUsage(view).totalTokens).toBe(100);
    view = fold([["updates|researcher:1", { model: { usage: usage(50, 0.005) } }], ["updates|researcher:1", { model: { usage: usage(25, 0.0025) } }]], view);
    expect(displayedUsage(view).totalTokens).toBe(175);
    expect(displayedUsage(view).costUsd).toBeCloseTo(0.0175);
    // The researcher returned: the root now counts its spending itself.
    view = fold([["values", { usage: usage(175, 0.0175) }]], view);
    expect(displayedUsage(view).totalTokens).toBe(175);
    expect(displayedUsage(view).modelCalls).toBe(1);
  });

  it("pauses on an interrupt, then ends with the answer and how the run ended", () => {
    let view = fold([
      ["metadata", { run_id: "r1" }],
      ["custom", { type: "agent_start", agent: "operator", task: "notify" }],
      ["updates|operator:3", { __interrupt__: [{ id: "i1", value: { type: "tool_approval", summary: "operator wants to call send_webhook(...)" } }] }],
      ["updates", { __interrupt__: [{ id: "i1", value: { type: "tool_approval", summary: "operator wants to call send_webhook(...)" } }] }],
      ["run_done", { run_id: "r1", status: "success" }],
    ]);
    expect(view.status).toBe("interrupted");
    expect(view.activeNode).toBe("operator");
    expect(view.feed.filter((item) => item.kind === "pause").map((item) => item.text)).toEqual(["waiting for a human: operator wants to call send_webhook(...)"]);
    view = fold(
      [
        ["metadata", { run_id: "r2" }],
        ["values", { status: "completed", statusReason: "The goal was answered.", result: "# Done\nall good", messages: [] }],
        ["run_done", { run_id: "r2", status: "success" }],
      ],
      view,
    );
    expect(view).toMatchObject({ runId: "r2", status: "success", terminalState: "completed", statusReason: "The goal was answered.", answer: "# Done\nall good", activeNode: null });
  });

  it("takes the last AI message as the answer when the state has no result channel", () => {
    const view = fold([["values", { status: "completed", messages: [{ type: "human", content: "q" }, { type: "ai", content: [{ type: "text", text: "a" }, "b"] }] }]]);
    expect(view.answer).toBe("ab");
  });

  it("routes the highlight to the node the supervisor chose, and clears it when the run ends", () => {
    let view = fold([["updates", { supervisor: { next: "analyst" } }]]);
    expect(view.activeNode).toBe("analyst");
    view = fold([["updates", { supervisor: { next: "finish" } }]], view);
    expect(view.activeNode).toBe("supervisor");
    view = fold([["run_done", { status: "error" }], ["error", { message: "boom" }]], view);
    expect(view.activeNode).toBeNull();
    expect(view.status).toBe("error");
    expect(view.feed.at(-1)).toEqual({ kind: "error", agent: "", text: "boom" });
  });

  it("ignores events it does not know and keeps the feed bounded", () => {
    let view = fold([["feedback", {}], ["custom", { type: "unknown" }], ["updates", null]]);
    expect(view.feed).toEqual([]);
    for (let i = 0; i < 450; i++) view = applyStreamEvent(view, "custom", { type: "tool_call", agent: "a", tool: `t${i}`, args: {} });
    expect(view.feed).toHaveLength(400);
    expect(view.feed.at(-1)!.text).toContain("t449");
  });
});
