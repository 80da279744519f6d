/**
 * The eval report: per graph (pass rate, per-scorer averages, tokens, cost, latency p50/p95,
 * failed cases with why), per case across repetitions (pass rate and spread), and the
 * comparison with a saved baseline report that flags regressions. JSON-serializable as is.
 */
import type { CaseResult } from "./runner.js";

/** One graph's summary. */
export interface GraphSummary {
  graph: string;
  cases: number;
  runs: number;
  passed: number;
  passRate: number;
  /** Average score per scorer key, over the runs it applied to. */
  scorers: Record<string, number>;
  tokens: number;
  costUsd: number;
  latencyMs: { p50: number; p95: number };
  failures: { caseId: string; repetition: number; why: string[] }[];
  /** Runs a scorer could not judge (e.g. the judge model failed), and why. */
  notes: { caseId: string; repetition: number; notes: string[] }[];
}

/** One case across its repetitions. */
export interface CaseSummary {
  caseId: string;
  graph: string;
  runs: number;
  passRate: number;
  /** Standard deviation of the per-run mean score (0 when every repetition scored alike). */
  scoreSpread: number;
  /** Smallest and largest token count of a repetition. */
  tokens: { min: number; max: number };
}

/** A regression against the baseline. */
export interface Regression {
  where: string;
  what: string;
}

/** The whole report, as written to JSON. */
export interface EvalReport {
  startedAt: string;
  finishedAt: string;
  model: string;
  judge: string;
  repeat: number;
  datasets: string[];
  passed: boolean;
  graphs: GraphSummary[];
  cases: CaseSummary[];
  results: CaseResult[];
  baseline?: { path: string; regressions: Regression[] };
}

/** Builds the report of `results`. */
export function buildReport(results: readonly CaseResult[], meta: Pick<EvalReport, "startedAt" | "model" | "judge" | "repeat">): EvalReport {
  const graphs = [...new Set(results.map((result) => result.graph))].map((graph) => summarizeGraph(graph, results.filter((result) => result.graph === graph)));
  const caseIds = [...new Set(results.map((result) => result.caseId))];
  return {
    ...meta,
    finishedAt: new Date().toISOString(),
    datasets: [...new Set(results.map((result) => result.dataset))],
    passed: results.every((result) => result.passed),
    graphs,
    cases: caseIds.map((id) => summarizeCase(results.filter((result) => result.caseId === id))),
    results: [...results],
  };
}

function summarizeGraph(graph: string, runs: readonly CaseResult[]): GraphSummary {
  const byKey = new Map<string, number[]>();
  for (const run of runs) for (const score of run.scores.filter((item) => !item.skipped)) byKey.set(score.key, [...(byKey.get(score.key) ?? []), score.score]);
  const latencies = runs.map((run) => run.run.latencyMs).sort((a, b) => a - b);
  const passed = runs.filter((run) => run.passed).length;
  return {
    graph,
    cases: new Set(runs.map((run) => run.caseId)).size,
    runs: runs.length,
    passed,
    passRate: runs.length > 0 ? passed / runs.length : 0,
    scorers: Object.fromEntries([...byKey].map(([key, scores]) => [key, mean(scores)])),
    tokens: sum(runs.map((run) => run.run.usage.totalTokens)),
    costUsd: sum(runs.map((run) => run.run.usage.costUsd)),
    latencyMs: { p50: percentile(latencies, 0.5), p95: percentile(latencies, 0.95) },
    failures: runs.filter((run) => !run.passed).map((run) => ({ caseId: run.caseId, repetition: run.repetition, why: run.why })),
    notes: runs.filter((run) => run.notes.length > 0).map((run) => ({ caseId: run.caseId, repetition: run.repetition, notes: run.notes })),
  };
}

function summarizeCase(runs: readonly CaseResult[]): CaseSummary {
  const means = runs.map((run) => {
    const counted = run.scores.filter((score) => !score.skipped);
    return counted.length > 0 ? mean(counted.map((score) => score.score)) : 0;
  });
  const average = mean(means);
  const tokens = runs.map((run) => run.run.usage.totalTokens);
  return {
    caseId: runs[0]!.caseId,
    graph: runs[0]!.graph,
    runs: runs.length,
    passRate: runs.filter((run) => run.passed).length / runs.length,
    scoreSpread: Math.sqrt(mean(means.map((value) => (value - average) ** 2))),
    tokens: { min: Math.min(...tokens), max: Math.max(...tokens) },
  };
}

/** How much worse a figure may get before it counts as a regression. */
const TOLERANCE = { score: 0.01, tokens: 0.2, costUsd: 0.2 };

/** What got worse since `baseline`: case and graph pass rates, scorer averages, tokens, cost. */
export function compareWithBaseline(current: EvalReport, baseline: EvalReport): Regression[] {
  const regressions: Regression[] = [];
  for (const before of baseline.cases) {
    const now = current.cases.find((item) => item.caseId === before.caseId);
    if (now && now.passRate < before.passRate - TOLERANCE.score) regressions.push({ where: `case ${now.caseId}`, what: `pass rate ${pct(before.passRate)} → ${pct(now.passRate)}` });
  }
  for (const before of baseline.graphs) {
    const now = current.graphs.find((graph) => graph.graph === before.graph);
    if (!now) continue;
    const where = `graph ${now.graph}`;
    if (now.passRate < before.passRate - TOLERANCE.score) regressions.push({ where, what: `pass rate ${pct(before.passRate)} → ${pct(now.passRate)}` });
    for (const [key, value] of Object.entries(before.scorers)) {
      const after = now.scorers[key];
      if (after !== undefined && after < value - TOLERANCE.score) regressions.push({ where, what: `${key} average ${value.toFixed(2)} → ${after.toFixed(2)}` });
    }
    // Per run, so a baseline taken with another --repeat still compares.
    const tokensBefore = before.tokens / Math.max(1, before.runs);
    const tokensNow = now.tokens / Math.max(1, now.runs);
    if (tokensNow > tokensBefore * (1 + TOLERANCE.tokens)) regressions.push({ where, what: `tokens per run ${Math.round(tokensBefore)} → ${Math.round(tokensNow)} (+${pct(tokensNow / tokensBefore - 1)})` });
    const costBefore = before.costUsd / Math.max(1, before.runs);
    const costNow = now.costUsd / Math.max(1, now.runs);
    if (costBefore > 0 && costNow > costBefore * (1 + TOLERANCE.costUsd)) regressions.push({ where, what: `cost per run $${costBefore.toFixed(4)} → $${costNow.toFixed(4)}` });
  }
  return regressions;
}

/** Whether a report is a success: every run passed and nothing regressed. */
export function reportSucceeded(report: EvalReport): boolean {
  return report.passed && (report.baseline?.regressions.length ?? 0) === 0;
}

function sum(values: readonly number[]): number {
  return values.reduce((total, value) => total + value, 0);
}

function mean(values: readonly number[]): number {
  return values.length > 0 ? sum(values) / values.length : 0;
}

/** Nearest-rank percentile of sorted values. */
function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))]!;
}

/** A share as a whole percentage. */
export function pct(share: number): string {
  return `${Math.round(share * 100)}%`;
}
