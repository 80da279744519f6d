/** placeholder */
import type { Env } from "../lib/env.js";
import type { EvalCase } from "./case.js";
import type { CaseResult, CaseRunner } from "./runner.js";
/** Options of a LangSmith experiment run. */
export interface LangSmithRunOptions { env: Env; cases: readonly EvalCase[]; repeat: number; concurrency: number; runner: CaseRunner; onResult?: (result: CaseResult, done: number, total: number) => void; log?: (line: string) => void }
/** Runs the cases as a LangSmith experiment. */
export async function runLangSmithExperiment(_options: LangSmithRunOptions): Promise<CaseResult[]> { throw new Error("todo"); }
