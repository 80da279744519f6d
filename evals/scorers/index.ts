/**
 * Every scorer of a run, in report order: deterministic checks, agentevals' trajectory match,
 * and the LLM-as-judge correctness verdict when a judge is given.
 */
import type { EvalCase } from "../case.js";
import type { CaseRun } from "../execute.js";
import { deterministicScorers, scoreDeterministic } from "./deterministic.js";
import { scoreCorrectness, type JudgeProvider } from "./judge.js";
import { scoreTrajectory } from "./trajectory.js";
import type { Score } from "./types.js";

export { environmentSecrets, redactSecrets } from "./deterministic.js";
export { scriptedJudge, type JudgeProvider } from "./judge.js";
export { passes, type Score } from "./types.js";

/** What scoring needs besides the case and its run. */
export interface ScoringOptions {
  /** Values that must never appear in output (the environment's keys). */
  secrets?: readonly string[];
  /** The judge; no correctness verdict without one. */
  judge?: JudgeProvider;
  /** How long the judge may take over its verdict (the case's own timeout). */
  judgeTimeoutMs?: number;
}

/** Scores one run of `item`. */
export async function scoreRun(item: EvalCase, run: CaseRun, options: ScoringOptions = {}): Promise<Score[]> {
  const scores = scoreDeterministic(item, run, deterministicScorers(options.secrets));
  scores.push(...(await scoreTrajectory(item, run)));
  const correctness = options.judge ? await scoreCorrectness(item, run, options.judge, options.judgeTimeoutMs) : undefined;
  if (correctness) scores.push(correctness);
  return scores;
}
