/**
 * `npm run eval` with LANGSMITH_API_KEY: the run becomes a LangSmith experiment through
 * `evaluate()`, against a local capture of the LangSmith API (the way tracing is tested): the
 * dataset is synced (created once, changed cases updated, none duplicated), the experiment is a
 * session on that dataset, the runs arrive in it, and each scorer's verdict is feedback on a run.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
// langsmith/utils/jestlike (loaded by openevals) replaces the global `expect`; the vitest import is the real one.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { main } from "../evals/main.js";
import { LANGSMITH_DATASET } from "../evals/langsmith.js";
import type { EvalReport } from "../evals/report.js";
import { startLangSmithStub, type LangSmithStub } from "./support/langsmith-stub.js";
import { capture, stubEvalEnv, unstubEvalEnv } from "./support/eval-env.js";

const CASES = [
  { id: "ls-compute", graph: "agent", goal: "Compute 144 / 12", expect: { answerContains: ["12"], tools: { required: ["calculator"] } } },
  { id: "ls-rejected", graph: "agent", goal: "Send a webhook to notify the team", approvals: "reject", expect: { status: "rejected", railEvents: ["approval_rejected"] } },
];

describe("npm run eval as a LangSmith experiment", () => {
  let langsmith: LangSmithStub;
  let dir: string;
  beforeAll(async () => {
    langsmith = await startLangSmithStub();
    dir = mkdtempSync(join(tmpdir(), "switchboard-evals-ls-"));
    stubEvalEnv({ LANGSMITH_API_KEY: "lsv2_pt_test", LANGSMITH_ENDPOINT: langsmith.url });
  });
  afterAll(async () => {
    unstubEvalEnv();
    await langsmith.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const run = async (cases: unknown[], extra: string[] = []) => {
    const file = join(dir, "ls.jsonl");
    writeFileSync(file, cases.map((item) => JSON.stringify(item)).join("\n"));
    const err = capture();
    const code = await main(["--dataset", file, "--out", join(dir, "report.json"), ...extra], capture().stream, err.stream);
    return { code, err: err.text() };
  };

  it("syncs the dataset, makes one experiment per run and attaches every scorer's feedback to its run", async () => {
    const first = await run(CASES, ["--repeat", "2"]);
    expect(first.code).toBe(0);
    const datasets = [...langsmith.evals.datasets.values()];
    expect(datasets.map((dataset) => dataset.name)).toEqual([LANGSMITH_DATASET]);
    const examples = [...langsmith.evals.examples.values()];
    expect(examples.map((example) => (example.metadata as { case_id: string }).case_id).sort()).toEqual(["ls-compute", "ls-rejected"]);
    expect(examples.every((example) => example.dataset_id === datasets[0]!.id)).toBe(true);

    const sessions = [...langsmith.evals.sessions.values()];
    expect(sessions).toHaveLength(1);
    expect(sessions[0]!.reference_dataset_id).toBe(datasets[0]!.id);
    expect(first.err).toContain(`LangSmith experiment: ${sessions[0]!.name}`);
    // Two cases × two repetitions: four target runs in the experiment, each tied to its example.
    const targetRuns = [...langsmith.runs.values()].filter((received) => received.session_name === sessions[0]!.name && !received.parent_run_id);
    expect(targetRuns).toHaveLength(4);
    expect(targetRuns.every((received) => examples.some((example) => example.id === received.reference_example_id))).toBe(true);
    // The graph's own trace nests under the experiment's run, so feedback sits on the whole trace.
    expect([...langsmith.runs.values()].some((received) => received.name === "agent" && targetRuns.some((target) => target.id === received.parent_run_id))).toBe(true);

    const feedbackByRun = new Map<string, string[]>();
    for (const item of langsmith.evals.feedback) feedbackByRun.set(String(item.run_id), [...(feedbackByRun.get(String(item.run_id)) ?? []), item.key]);
    for (const received of targetRuns) expect(feedbackByRun.get(received.id)).toEqual(expect.arrayContaining(["terminal_state", "no_secrets", "passed"]));
    const computeRun = targetRuns.find((received) => received.reference_example_id === examples.find((example) => (example.metadata as { case_id: string }).case_id === "ls-compute")!.id)!;
    expect(feedbackByRun.get(computeRun.id)).toEqual(expect.arrayContaining(["answer_contains", "tool_calls", "correctness"]));
    const passed = langsmith.evals.feedback.filter((item) => item.key === "passed");
    expect(passed.map((item) => item.score)).toEqual([1, 1, 1, 1]);
  });

  it("updates a changed case instead of adding a duplicate, and a second run is a second experiment", async () => {
    const changed = [{ ...CASES[0], goal: "Compute 288 / 24" }, CASES[1]];
    const second = await run(changed);
    expect(second.code).toBe(0);
    const examples = [...langsmith.evals.examples.values()];
    expect(examples).toHaveLength(2);
    expect(examples.find((example) => (example.metadata as { case_id: string }).case_id === "ls-compute")!.inputs).toMatchObject({ goal: "Compute 288 / 24" });
    expect(langsmith.evals.sessions.size).toBe(2);
  });

  it("reports an invalid case as failed without syncing it, and still runs the others in the experiment", async () => {
    const third = await run([CASES[0], { id: "ls-broken", graph: "no-such-graph", goal: "x" }]);
    expect(third.code).toBe(1);
    const report = JSON.parse(readFileSync(join(dir, "report.json"), "utf8")) as EvalReport;
    expect(report.results.map((result) => [result.caseId, result.passed])).toEqual([["ls-compute", true], ["ls-broken", false]]);
    expect(report.results[1]!.why).toEqual([expect.stringMatching(/^case: .*line 2: graph:/)]);
    expect([...langsmith.evals.examples.values()].map((example) => (example.metadata as { case_id: string }).case_id)).not.toContain("ls-broken");
    expect(langsmith.evals.sessions.size).toBe(3);
  });
});
