/**
 * The CI guard: every shipped eval case runs offline on the scripted models and must pass.
 * A prompt, rail or routing change that makes a graph miss its goal fails `npm test` here,
 * with the failing cases and why in the message.
 */
// langsmith/utils/jestlike (loaded by openevals) replaces the global `expect`; the vitest import is the real one.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseEnv, resetEnvForTests } from "../lib/env.js";
import { main } from "./main.js";
import type { EvalReport } from "./report.js";
import { loadDatasets } from "./dataset-files.js";
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

describe("npm run eval --baseline", () => {
  // main() reads the process environment: keep a developer's or CI's model and LangSmith keys out.
  beforeAll(() => {
    for (const name of ["OPENAI_API_KEY", "OPENAI_BASE_URL", "LANGSMITH_API_KEY", "REDIS_URL", "REDIS_CLUSTER_NODES"]) vi.stubEnv(name, "");
    resetEnvForTests();
  });
  afterAll(() => {
    vi.unstubAllEnvs();
    resetEnvForTests();
  });
  const sink = () => {
    let text = "";
    return { stream: { isTTY: false, write: (chunk: string) => ((text += chunk), true) } as unknown as NodeJS.WriteStream, text: () => text };
  };

  it("saves a baseline, finds no regression against it, and fails naming what regressed against a better one", async () => {
    const dir = mkdtempSync(join(tmpdir(), "switchboard-eval-baseline-"));
    try {
      const baseline = join(dir, "baseline.json");
      const args = ["--case", "agent-compute", "--out", join(dir, "report.json")];
      expect(await main([...args, "--save-baseline", baseline], sink().stream, sink().stream)).toBe(0);
      const same = sink();
      expect(await main([...args, "--baseline", baseline], same.stream, sink().stream)).toBe(0);
      expect(same.text()).toContain(`No regression against ${baseline}.`);
      // A baseline that spent half the tokens: this run now regresses on tokens.
      const saved = JSON.parse(readFileSync(baseline, "utf8")) as EvalReport;
      saved.graphs[0]!.tokens = Math.floor(saved.graphs[0]!.tokens / 2);
      writeFileSync(baseline, JSON.stringify(saved));
      const worse = sink();
      expect(await main([...args, "--baseline", baseline], worse.stream, sink().stream)).toBe(1);
      expect(worse.text()).toMatch(/1 regression\(s\) against .*\n\s+▼ graph agent: tokens per run \d+ → \d+ \(\+\d+%\)/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
