import { describe, expect, it } from "vitest";
import type { RunTrace } from "../../../../tracing/index.js";
import { costTables, formatUsd, traceRows } from "./trace-view.js";

const usage = (totalTokens: number, costUsd: number) => ({ inputTokens: totalTokens, outputTokens: 0, totalTokens, costUsd });
const step = (id: string, kind: string, extra: Record<string, unknown> = {}, children: unknown[] = []) => ({
  id, parentId: null, name: id, kind, runType: "chain", agent: "operator", status: "ok", startedAt: "", endedAt: "", durationMs: 5, children, ...extra,
});

const trace = {
  runId: "r", threadId: "t", graphId: "supervisor", owner: "o", terminalState: "completed", startedAt: "", endedAt: "", truncated: false,
  cost: {
    total: { ...usage(30, 0.003), modelCalls: 2, toolCalls: 1 },
    byAgent: { supervisor: { ...usage(10, 0.001), modelCalls: 1, toolCalls: 0 }, operator: { ...usage(20, 0.002), modelCalls: 1, toolCalls: 1 } },
    byTool: { send_webhook: { ...usage(20, 0.002), calls: 1, errors: 0, durationMs: 3 } },
    byModel: { "gpt-x": { ...usage(30, 0.003), calls: 2 } },
  },
  root: step("graph", "graph", {}, [
    step("model", "model", { model: { model: "gpt-x", prompt: [{ role: "human", content: "goal" }], response: { role: "ai", content: "", toolCalls: [{ name: "send_webhook", args: { url: "u" } }] }, usage: usage(20, 0.002) } }),
    step("send_webhook", "tool", { tool: { toolCallId: "c", args: { url: "u" }, result: "200", error: null, policy: "require_approval", approval: "edited", refused: null }, rails: [{ kind: "tool_budget", agent: "operator", detail: "1 left", at: "" }] }),
  ]),
} as unknown as RunTrace;

describe("the trace view", () => {
  it("flattens the step tree with depths and says what each step did", () => {
    const rows = traceRows(trace);
    expect(rows.map((row) => [row.id, row.depth, row.kind])).toEqual([["graph", 0, "graph"], ["model", 1, "model"], ["send_webhook", 1, "tool"]]);
    expect(rows[1]).toMatchObject({ label: "model · gpt-x", tokens: 20, costUsd: 0.002 });
    expect(rows[1]!.detail).toContain('Tool calls: send_webhook({"url":"u"})');
    expect(rows[2]!.detail).toContain("Approval: edited");
    expect(rows[2]!.detail).toContain("Rails: tool_budget (1 left)");
    expect(traceRows({ ...trace, root: null })).toEqual([]);
  });

  it("puts the most expensive agent, tool and model first", () => {
    const tables = costTables(trace);
    expect(tables.byAgent.map((row) => row.name)).toEqual(["operator", "supervisor"]);
    expect(tables.byAgent[0]).toEqual({ name: "operator", calls: 2, tokens: 20, costUsd: 0.002 });
    expect(tables.byTool).toEqual([{ name: "send_webhook", calls: 1, tokens: 20, costUsd: 0.002 }]);
    expect(tables.byModel[0]!.calls).toBe(2);
  });

  it("writes money for people", () => {
    expect([formatUsd(0), formatUsd(0.00001), formatUsd(0.01234), formatUsd(3.456)]).toEqual(["$0", "<$0.0001", "$0.0123", "$3.46"]);
  });
});
