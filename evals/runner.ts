/**
 * Runs eval cases: every case `repeat` times, at most `concurrency` at once, each on its model
 * (a pinned script, the configured model, or the offline demo), scored as it ends. Yields one
 * result per run in the order they finish (through `onResult`) and all of them, in case order.
 */
import type { Env } from "../lib/env.js";
import { isModelConfigured } from "../lib/models.js";
import { createModelProvider, type ModelProvider } from "../agents/index.js";
import { evalCaseSchema, type EvalCase } from "./case.js";
import { executeCase, type CaseRun } from "./execute.js";
import { scriptedModels } from "./scripts.js";
import { environmentSecrets, passes, redactSecrets, scoreRun, scriptedJudge, type JudgeProvider, type Score } from "./scorers/index.js";
import { clip } from "../lib/clip.js";

/** One scored run of one case. */
export interface CaseResult {
  caseId: string;
  dataset: string;
  graph: string;
  /** 1-based repetition. */
  repetition: number;
  passed: boolean;
  /** The comments of the scorers that failed: why the case failed. */
  why: string[];
  /** Scorers that could not judge this run, and why (not counted). */
  notes: string[];
  scores: Score[];
  run: CaseRun;
}

/** Options of `runEval`. */
export interface RunEvalOptions {
  env: Env;
  cases: readonly EvalCase[];
  repeat?: number;
  concurrency?: number;
  /** Per run (default 120 s). */
  timeoutMs?: number;
  /** The judge: default the configured model, or the scripted judge offline; `false` for none. */
  judge?: JudgeProvider | false;
  /** The agents' models in place of the configured one (a case's pinned script still wins). */
  models?: ModelProvider;
  /** Called as each run is scored (progress display). */
  onResult?: (result: CaseResult, done: number, total: number) => void;
  /** Runs one case (default: `caseRunner(options)`); main passes the runner it labels the report with. */
  execute?: (item: EvalCase, repetition: number) => Promise<CaseResult>;
}

/** Everything one case run needs, prepared once per eval. */
export interface CaseRunner {
  (item: EvalCase, repetition: number): Promise<CaseResult>;
  /** What runs the agents ("scripted demo (offline)" or the configured model). */
  modelLabel: string;
  /** What judges correctness ("none" with --no-judge). */
  judgeLabel: string;
}

/** Prepares the runner of single cases for `options`. */
export function caseRunner(options: Pick<RunEvalOptions, "env" | "timeoutMs" | "judge" | "models">): CaseRunner {
  const { env } = options;
  const online = isModelConfigured(env);
  const configured: ModelProvider | undefined = online ? createModelProvider({ env }) : undefined;
  const judge = options.judge === false ? undefined : (options.judge ?? (configured ? configuredJudge(configured) : scriptedJudge));
  const secrets = environmentSecrets(env);
  let warm: Promise<unknown> | undefined;
  const timeoutMs = options.timeoutMs ?? 120_000;
  const run = async (item: EvalCase, repetition: number): Promise<CaseResult> => {
    if (item.invalid !== undefined) return unrunResult(item, repetition, "case", `the case is invalid, so it did not run: ${item.invalid}`);
    // One unscored run first, so what loads on first use (tool sandboxes, math) is not counted as a case's latency.
    await (warm ??= executeCase(warmUpCase(), { env, models: scriptedModels("demo"), timeoutMs: 60_000 }).catch(() => undefined));
    const models = item.script ? scriptedModels(item.script) : (options.models ?? configured ?? scriptedModels("demo"));
    // The run is aborted at the timeout; the deadline after it holds even when something ignores the abort (a hung model call, a close that never returns).
    const record = await withDeadline(executeCase(item, { env, models, timeoutMs }), timeoutMs + Math.min(GRACE_MS, timeoutMs), () => timedOutRun(timeoutMs));
    const scores: Score[] = await scoreRun(item, record, { secrets, judgeTimeoutMs: timeoutMs, ...(judge ? { judge } : {}) }).catch((error: unknown) => [
      { key: "scoring", score: 0, comment: `a scorer threw (the eval's fault, not the run's): ${(error as Error).message}` },
    ]);
    const failed = scores.filter((score) => !passes(score));
    const notes = [...(item.warnings ?? []).map((warning) => `case: ${warning}`), ...scores.filter((score) => score.skipped).map((score) => `${score.key}: ${score.comment}`)];
    // Scored on what the run really produced; kept (report, LangSmith) with any leaked secret blanked out and a huge answer clipped.
    const kept: CaseRun = {
      ...record,
      answer: clip(redactSecrets(record.answer, secrets), MAX_KEPT),
      statusReason: record.statusReason === null ? null : clip(redactSecrets(record.statusReason, secrets), MAX_KEPT),
      toolCalls: record.toolCalls.map((call) => ({ ...call, args: JSON.parse(redactSecrets(JSON.stringify(call.args ?? null), secrets)) as unknown })),
    };
    return { caseId: item.id, dataset: item.dataset, graph: item.graph, repetition, passed: failed.length === 0, why: failed.map((score) => redactSecrets(`${score.key}: ${score.comment}`, secrets)), notes, scores, run: kept };
  };
  const judgeLabel = !judge ? "none" : options.judge ? "custom" : configured ? `${env.OPENAI_MODEL} (openevals correctness)` : "scripted judge (openevals correctness prompt)";
  // Whatever goes wrong in a run or its scoring, the case still gets a verdict with the reason.
  const guarded = (item: EvalCase, repetition: number): Promise<CaseResult> =>
    run(item, repetition).catch((error: unknown) => unrunResult(item, repetition, "run", `the eval could not run the case: ${redactSecrets(String((error as Error)?.message ?? error), secrets)}`));
  return Object.assign(guarded, { modelLabel: online ? env.OPENAI_MODEL : "scripted demo (offline)", judgeLabel });
}

/** Runs every case `repeat` times; results in case order, repetitions together. */
export async function runEval(options: RunEvalOptions): Promise<CaseResult[]> {
  const repeat = Math.max(1, options.repeat ?? 1);
  const jobs = options.cases.flatMap((item) => Array.from({ length: repeat }, (_, index) => ({ item, repetition: index + 1 })));
  const execute = options.execute ?? caseRunner(options);
  const results: CaseResult[] = new Array(jobs.length);
  let next = 0;
  let done = 0;
  const worker = async () => {
    for (let at = next++; at < jobs.length; at = next++) {
      const { item, repetition } = jobs[at]!;
      results[at] = await execute(item, repetition);
      done += 1;
      options.onResult?.(results[at]!, done, jobs.length);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(options.concurrency ?? 1, jobs.length)) }, worker));
  return results;
}

/** How long after its timeout a run that ignores the abort is given up on. */
const GRACE_MS = 5_000;

/** The largest answer or status reason the report keeps (the scorers saw all of it). */
const MAX_KEPT = 20_000;

/** A failed result for a case that produced no run to score (invalid, or the eval itself failed). */
export function unrunResult(item: EvalCase, repetition: number, key: string, why: string): CaseResult {
  const run: CaseRun = { status: "failed", statusReason: why, answer: "", agents: [], toolCalls: [], railEvents: [], usage: { inputTokens: 0, outputTokens: 0, totalTokens: 0, costUsd: 0, modelCalls: 0, toolCalls: 0 }, latencyMs: 0, error: why };
  return { caseId: item.id, dataset: item.dataset, graph: item.graph, repetition, passed: false, why: [`${key}: ${why}`], notes: [], scores: [{ key, score: 0, comment: why }], run };
}

function withDeadline<T>(work: Promise<T>, ms: number, fallback: () => T): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<T>((resolve) => (timer = setTimeout(() => resolve(fallback()), ms)));
  return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
}

function timedOutRun(timeoutMs: number): CaseRun {
  const reason = `timed out after ${timeoutMs} ms (and did not stop when cancelled)`;
  return { status: "cancelled", statusReason: reason, answer: "", agents: [], toolCalls: [], railEvents: [], usage: { inputTokens: 0, outputTokens: 0, totalTokens: 0, costUsd: 0, modelCalls: 0, toolCalls: 0 }, latencyMs: timeoutMs, error: reason };
}

function warmUpCase(): EvalCase {
  return { ...evalCaseSchema.parse({ id: "warm-up", graph: "agent", goal: "Compute 1 + 1" }), dataset: "warm-up" };
}

function configuredJudge(models: ModelProvider): JudgeProvider {
  return () => models("judge");
}
