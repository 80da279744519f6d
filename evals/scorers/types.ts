/**
 * What a scorer returns and what it is given. Every scorer yields a score in [0, 1] with a
 * comment saying why; a case passes when every scorer that applies to it scores 1.
 */
import type { EvalCase } from "../case.js";
import type { CaseRun } from "../execute.js";

/** One scorer's verdict on one run. */
export interface Score {
  /** The scorer's key: a column of the table and the LangSmith feedback key. */
  key: string;
  /** 0..1; 1 passes. */
  score: number;
  /** Why, in a sentence a reader can act on. */
  comment: string;
  /** Set when the scorer could not judge (e.g. the judge model failed): not counted, reported as a note. */
  skipped?: true;
}

/** A deterministic scorer: undefined when the case does not ask for what it checks. */
export type Scorer = (item: EvalCase, run: CaseRun) => Score | undefined;

/** Whether a score passes (a skipped one does not fail the case). */
export function passes(score: Score): boolean {
  return score.skipped === true || score.score >= 1;
}

/** A 0/1 score. */
export function verdict(key: string, ok: boolean, comment: string): Score {
  return { key, score: ok ? 1 : 0, comment };
}
