/**
 * calculator: exact arithmetic on an allow-list. Rational expressions are computed as fractions
 * (1/3 + 1/6 = 1/2 exactly, 0.1 + 0.2 = 3/10); anything irrational (sqrt, sin, pi) falls back to
 * 64-digit decimals and says so. Units, trigonometry, statistics over small arrays and small
 * matrices are offered; variables, definitions, `config` and everything else are not (the rules
 * and size limits are in `calculator-engine.mjs`).
 *
 * Evaluation never runs on this thread: mathjs loads only in the calculator's worker (on first
 * use, dropped after 10 idle minutes), every expression gets a 2 s deadline after which the
 * worker is killed, and the worker's heap is capped, so neither a slow nor a huge expression can
 * stall or abort the process.
 */
import { z } from "zod";
import type { CalculatorAnswer } from "../sandbox/calculator-engine.mjs";
import { WorkerJobError, lazyWorkerPool } from "../sandbox/worker-pool.js";
import { defineTool } from "../types.js";

export type { CalculatorAnswer } from "../sandbox/calculator-engine.mjs";

/** How long one expression may evaluate once the worker has it. */
export const CALCULATOR_DEADLINE_MS = 2_000;

/** The process's calculator worker (one; calls are taken in turn across owners). */
const calculatorPool = lazyWorkerPool({
  name: "the calculator",
  script: new URL("../sandbox/calculator-worker.mjs", import.meta.url),
  size: 1,
  perKey: 1,
  resourceLimits: { maxOldGenerationSizeMb: 160, maxYoungGenerationSizeMb: 16 },
  idleMs: 10 * 60_000,
});

/** Evaluates an expression in the calculator's worker; rejects with the reason a model should hear. */
export async function calculate(expression: string, options: { signal?: AbortSignal; owner?: string } = {}): Promise<CalculatorAnswer> {
  type Reply = { ok: true; answer: CalculatorAnswer } | { ok: false; error: string };
  let reply: Reply;
  try {
    reply = await calculatorPool().run<Reply>(
      { expression },
      { key: options.owner ?? "default", deadlineMs: CALCULATOR_DEADLINE_MS, ...(options.signal ? { signal: options.signal } : {}) },
    );
  } catch (error) {
    if (error instanceof WorkerJobError && error.failure === "timeout") {
      throw new Error(`the expression took longer than ${CALCULATOR_DEADLINE_MS} ms and was stopped; simplify it or split it into smaller steps`);
    }
    throw error;
  }
  if (!reply.ok) throw new Error(reply.error);
  return reply.answer;
}

/** The calculator tool. */
export const calculatorTool = defineTool({
  name: "calculator",
  description:
    "Evaluates one math expression exactly: + - * / ^ mod !, parentheses, fractions, big integers, round/floor/ceil, sqrt, log, exp, trigonometry (sin(30 deg)), units ('5 km to mi'), statistics over small arrays (mean, median, std, min, max, sum) and small matrices. Returns an exact fraction when the result is rational, else 64 significant digits. No variables or definitions. Use it for every calculation instead of doing arithmetic yourself.",
  schema: z.object({
    expression: z.string().min(1).max(1_000).describe("the expression, e.g. '(1/3 + 1/6) * 12' or 'sqrt(2)^2'"),
  }),
  // The first call of a process also loads the engine into the worker; each expression has 2 s.
  timeoutMs: 15_000,
  sideEffect: "read_only",
  run: async ({ expression }, ctx) => calculate(expression, { signal: ctx.signal, owner: ctx.owner }),
});
