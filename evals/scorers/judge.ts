/**
 * LLM-as-judge correctness with openevals' CORRECTNESS_PROMPT: the judge reads the goal, the
 * answer and the reference (the case's reference answer, else its expected facts) and returns a
 * verdict with its reasoning. With a model configured the judge is that model; offline it is a
 * scripted judge, so the same prompt and parsing path runs in CI with a deterministic verdict.
 */
import type { BaseChatModel } from "@langchain/core/language_models/chat_models";
import { createLLMAsJudge, CORRECTNESS_PROMPT } from "openevals";
import { ScriptedChatModel } from "../../lib/scripted/scripted-chat-model.js";
import type { EvalCase } from "../case.js";
import type { CaseRun } from "../execute.js";
import type { Score } from "./types.js";

/** The judge model for one verdict (the scripted judge needs the case it judges). */
export type JudgeProvider = (item: EvalCase, run: CaseRun) => BaseChatModel;

/** What the judge compares the answer with; undefined when the case gives nothing to judge by. */
export function judgeReference(item: EvalCase): string | undefined {
  if (item.expect.status !== "completed") return undefined;
  if (item.expect.reference) return item.expect.reference;
  return item.expect.answerContains.length > 0 ? `The answer states: ${item.expect.answerContains.join("; ")}.` : undefined;
}

/** The judge's correctness verdict on a completed case with a reference; undefined otherwise. */
export async function scoreCorrectness(item: EvalCase, run: CaseRun, judge: JudgeProvider, timeoutMs = JUDGE_TIMEOUT_MS): Promise<Score | undefined> {
  const reference = judgeReference(item);
  if (reference === undefined) return undefined;
  if (run.answer.trim() === "") return { key: "correctness", score: 0, comment: "judge: there is no answer to judge" };
  const evaluator = createLLMAsJudge({ prompt: CORRECTNESS_PROMPT, judge: judge(item, run), feedbackKey: "correctness" });
  try {
    const result = await withinJudgeTimeout(timeoutMs, evaluator({ inputs: { goal: item.goal }, outputs: { answer: run.answer }, referenceOutputs: { answer: reference } }));
    // A reply that parses but carries no verdict (a misbehaving judge) says nothing about the run either.
    const raw: unknown = result.score;
    const usable = typeof raw === "boolean" || (typeof raw === "number" && raw >= 0 && raw <= 1);
    if (!usable) return { key: "correctness", score: 0, skipped: true, comment: `not judged: the judge gave no usable verdict (score ${JSON.stringify(raw) ?? "missing"}; its fault, not the run's)` };
    const score = Number(raw);
    return { key: "correctness", score, comment: `judge: ${String(result.comment ?? "(no reasoning)").replace(/\s+/g, " ").slice(0, 240)}` };
  } catch (error) {
    // A judge that cannot answer says nothing about the run: the verdict is left to the other scorers, and the report notes it.
    return { key: "correctness", score: 0, skipped: true, comment: `not judged: the judge model failed (its fault, not the run's): ${(error as Error).message.slice(0, 200)}` };
  }
}

/** How long a judge may take over one verdict by default before it counts as failed (a hung judge must not hang the eval). */
const JUDGE_TIMEOUT_MS = 120_000;

function withinJudgeTimeout<T>(timeoutMs: number, verdict: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`no verdict within ${timeoutMs} ms`)), timeoutMs)));
  return Promise.race([verdict, late]).finally(() => clearTimeout(timer));
}

/**
 * The offline judge: correct when the answer states every expected fact (or, given only a
 * reference answer, every number in it), and is not a run that stopped before finishing. It
 * answers through `withStructuredOutput` like a real judge, so openevals' parsing is exercised.
 */
export const scriptedJudge: JudgeProvider = (item, run) => {
  const facts = item.expect.answerContains.length > 0 ? item.expect.answerContains : (item.expect.reference?.match(/\d+(?:\.\d+)?/g) ?? []);
  const answer = run.answer.toLowerCase();
  const missing = facts.filter((fact) => !answer.includes(fact.toLowerCase()));
  const stopped = /^stopped before finishing/i.test(run.answer.trim());
  const score = missing.length === 0 && !stopped;
  const reasoning = stopped
    ? "The run stopped before finishing, so the goal is not met."
    : missing.length > 0
      ? `The answer misses ${missing.map((fact) => `"${fact}"`).join(", ")} from the reference.`
      : `The answer states what the reference expects${facts.length > 0 ? ` (${facts.length} point(s))` : ""}.`;
  return new ScriptedChatModel({ respond: () => ({ structured: { reasoning: `[scripted judge] ${reasoning}`, score } }), modelName: "scripted-judge", recordCalls: false });
};
