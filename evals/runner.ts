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
export function caseRunner(options: Pick<RunEvalOptions, "env" | "timeoutMs" | "judge">): CaseRunner {
  const { env } = options;
  const online = isModelConfigured(env);
  const configured: ModelProvider | undefined = online ? createModelProvider({ env }) : undefined;
  const judge = options.judge === false ? undefined : (options.judge ?? (configured ? configuredJudge(configured) : scriptedJudge));
  const secrets = environmentSecrets(env);
  let warm: Promise<unknown> | undefined;
  const run = async (item: EvalCase, repetition: number): Promise<CaseResult> => {
    // One unscored run first, so what loads on first use (tool sandboxes, math) is not counted as a case's latency.
    await (warm ??= executeCase(warmUpCase(), { env, models: scriptedModels("demo"), timeoutMs: 60_000 }));
    const models = item.script ? scriptedModels(item.script) : (configured ?? scriptedModels("demo"));
    const record = await executeCase(item, { env, models, timeoutMs: options.timeoutMs ?? 120_000 });
    const scores: Score[] = await scoreRun(item, record, { secrets, ...(judge ? { judge } : {}) }).catch((error: unknown) => [
      { key: "scoring", score: 0, comment: `a scorer threw (the eval's fault, not the run's): ${(error as Error).message}` },
    ]);
    const failed = scores.filter((score) => !passes(score));
    const notes = scores.filter((score) => score.skipped).map((score) => `${score.key}: ${score.comment}`);
    // Scored on what the run really produced; kept (report, LangSmith) with any leaked secret blanked out.
    const kept: CaseRun = {
      ...record,
      answer: redactSecrets(record.answer, secrets),
      statusReason: record.statusReason === null ? null : redactSecrets(record.statusReason, secrets),
      toolCalls: record.toolCalls.map((call) => ({ ...call, args: JSON.parse(redactSecrets(JSON.stringify(call.args ?? null), secrets)) as unknown })),
    };
    return { caseId: item.id, dataset: item.dataset, graph: item.graph, repetition, passed: failed.length === 0, why: failed.map((score) => redactSecrets(`${score.key}: ${score.comment}`, secrets)), notes, scores, run: kept };
  };
  const judgeLabel = !judge ? "none" : options.judge ? "custom" : configured ? `${env.OPENAI_MODEL} (openevals correctness)` : "scripted judge (openevals correctness prompt)";
  return Object.assign(run, { modelLabel: online ? env.OPENAI_MODEL : "scripted demo (offline)", judgeLabel });
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

function warmUpCase(): EvalCase {
  return { ...evalCaseSchema.parse({ id: "warm-up", graph: "agent", goal: "Compute 1 + 1" }), dataset: "warm-up" };
}

function configuredJudge(models: ModelProvider): JudgeProvider {
  return () => models("judge");
}
