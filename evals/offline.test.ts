/**
 * The CI guard: every shipped eval case runs offline on the scripted models and must pass.
 * A prompt, rail or routing change that makes a graph miss its goal fails `npm test` here,
 * with the failing cases and why in the message.
 */
// langsmith/utils/jestlike (loaded by openevals) replaces the global `expect`; the vitest import is the real one.
import { describe, expect, it } from "vitest";
import { parseEnv } from "../lib/env.js";
import { loadDatasets } from "./case.js";
import { buildReport } from "./report.js";
import { renderReport } from "./render.js";
import { runEval } from "./runner.js";

describe("offline eval (the shipped datasets)", () => {
  it("ships at least 25 cases over the four graphs, with rail and guardrail cases", () => {
    const cases = loadDatasets();
    expect(cases.length).toBeGreaterThanOrEqual(25);
    expect(new Set(cases.map((item) => item.graph))).toEqual(new Set(["supervisor", "hierarchical", "planner", "agent"]));
    const statuses = new Set(cases.map((item) => item.expect.status));
    for (const status of ["completed", "budget_exceeded", "loop_detected", "rejected", "failed"]) expect(statuses).toContain(status);
    expect(cases.some((item) => item.expect.railEvents.includes("guardrail_denied"))).toBe(true);
  });

  it("every case passes on the scripted models and the scripted judge", { timeout: 120_000 }, async () => {
    const env = parseEnv({ SWITCHBOARD_SKIP_DOTENV: "1", LOG_LEVEL: "silent" });
    const results = await runEval({ env, cases: loadDatasets(), concurrency: 2 });
    const report = buildReport(results, { startedAt: new Date().toISOString(), model: "scripted demo (offline)", judge: "scripted", repeat: 1 });
    if (!report.passed) expect.fail(`offline eval failed:\n${renderReport(report)}`);
    expect(report.graphs.map((graph) => graph.graph).sort()).toEqual(["agent", "hierarchical", "planner", "supervisor"]);
  });
});
