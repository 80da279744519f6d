import { describe, expect, it } from "vitest";
import { buildReport, compareWithBaseline } from "./report.js";
import { renderReport } from "./render.js";
import type { CaseResult } from "./runner.js";

const result = (caseId: string, passed: boolean, fields: { repetition?: number; tokens?: number; latencyMs?: number; graph?: string } = {}): CaseResult => ({
  caseId,
  dataset: "unit",
  graph: fields.graph ?? "agent",
  repetition: fields.repetition ?? 1,
  passed,
  why: passed ? [] : ["terminal_state: expected completed, got loop_detected: Loop detected"],
  notes: [],
  scores: [
    { key: "terminal_state", score: passed ? 1 : 0, comment: "" },
    { key: "no_secrets", score: 1, comment: "" },
  ],
  run: {
    status: passed ? "completed" : "loop_detected",
    statusReason: null,
    answer: "",
    agents: [],
    toolCalls: [],
    railEvents: [],
    usage: { inputTokens: 0, outputTokens: 0, totalTokens: fields.tokens ?? 100, costUsd: 0, modelCalls: 1, toolCalls: 0 },
    latencyMs: fields.latencyMs ?? 10,
  },
});
const meta = (repeat = 1) => ({ startedAt: "2026-12-06T00:00:00Z", model: "scripted", judge: "scripted", repeat });

describe("eval report", () => {
  it("summarizes each graph: pass rate, scorer averages, tokens, latency p50/p95, failures with why", () => {
    const report = buildReport([result("a", true, { latencyMs: 10 }), result("b", false, { latencyMs: 30 }), result("c", true, { graph: "planner", latencyMs: 20 })], meta());
    const agent = report.graphs.find((graph) => graph.graph === "agent")!;
    expect(agent).toMatchObject({ runs: 2, passed: 1, passRate: 0.5, tokens: 200, latencyMs: { p50: 10, p95: 30 } });
    expect(agent.scorers).toEqual({ terminal_state: 0.5, no_secrets: 1 });
    expect(agent.failures).toEqual([{ caseId: "b", repetition: 1, why: ["terminal_state: expected completed, got loop_detected: Loop detected"] }]);
    expect(report.passed).toBe(false);
    expect(renderReport(report)).toMatch(/agent: 1\/2 runs passed \(50%\)[\s\S]*✗ b\n\s+terminal_state: expected completed, got loop_detected/);
  });

  it("with repeats, gives each case's pass rate and spread", () => {
    const report = buildReport([result("a", true, { tokens: 90 }), result("a", false, { repetition: 2, tokens: 110 }), result("b", true), result("b", true, { repetition: 2 })], meta(2));
    const flaky = report.cases.find((item) => item.caseId === "a")!;
    expect(flaky).toMatchObject({ runs: 2, passRate: 0.5, tokens: { min: 90, max: 110 } });
    expect(flaky.scoreSpread).toBeCloseTo(0.25);
    expect(report.cases.find((item) => item.caseId === "b")).toMatchObject({ passRate: 1, scoreSpread: 0 });
    expect(renderReport(report)).toMatch(/a\s+50% · ±0\.25 · 90–110 {2}← unstable/);
  });

  it("flags what got worse than the baseline and nothing when nothing did", () => {
    const baseline = buildReport([result("a", true), result("b", true)], meta());
    expect(compareWithBaseline(buildReport([result("a", true), result("b", true)], meta()), baseline)).toEqual([]);
    const worse = buildReport([result("a", true, { tokens: 200 }), result("b", false, { tokens: 200 })], meta());
    const regressions = compareWithBaseline(worse, baseline);
    expect(regressions).toEqual(
      expect.arrayContaining([
        { where: "case b", what: "pass rate 100% → 0%" },
        { where: "graph agent", what: "pass rate 100% → 50%" },
        { where: "graph agent", what: "terminal_state average 1.00 → 0.50" },
        { where: "graph agent", what: "tokens per run 100 → 200 (+100%)" },
      ]),
    );
    worse.baseline = { path: "evals/baseline.json", regressions };
    expect(renderReport(worse)).toContain("▼ case b: pass rate 100% → 0%");
  });
});
