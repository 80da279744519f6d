/**
 * Trajectory match with agentevals' evaluators (strict, unordered, subset, superset). Our
 * trajectory is the agents that started work and the tools called; each step becomes an
 * assistant message calling a function of that name, the shape agentevals compares (arguments
 * ignored: the reference says who acts, not with what words).
 */
import { createTrajectoryMatchEvaluator, type TrajectoryMatchMode } from "agentevals";
import type { EvalCase } from "../case.js";
import type { CaseRun } from "../execute.js";
import type { Score } from "./types.js";

/** Scores the run's trajectory against the case's reference; [] when the case gives none. */
export async function scoreTrajectory(item: EvalCase, run: CaseRun): Promise<Score[]> {
  const reference = item.expect.trajectory;
  if (!reference) return [];
  const scores: Score[] = [];
  if (reference.agents) scores.push(await matchSteps("agents", reference.match, run.agents, reference.agents));
  if (reference.tools) scores.push(await matchSteps("tools", reference.match, run.toolCalls.filter((call) => call.invalid === undefined).map((call) => call.tool), reference.tools));
  return scores;
}

/** One comparison of actual steps with reference steps. */
export async function matchSteps(of: "agents" | "tools", mode: TrajectoryMatchMode, actual: readonly string[], reference: readonly string[]): Promise<Score> {
  const evaluator = createTrajectoryMatchEvaluator({ trajectoryMatchMode: mode, toolArgsMatchMode: "ignore" });
  const result = await evaluator({ outputs: asMessages(actual), referenceOutputs: asMessages(reference) });
  const ok = result.score === true || result.score === 1;
  const got = actual.length > 0 ? actual.join(" → ") : "(none)";
  const wanted = reference.join(" → ") || "(none)";
  return { key: `trajectory_${of}_${mode}`, score: ok ? 1 : 0, comment: ok ? `${of} ${got} ${MODE_TEXT[mode]} ${wanted}` : `${of} ${got} fails ${mode} match with ${wanted}` };
}

const MODE_TEXT: Record<TrajectoryMatchMode, string> = {
  strict: "match",
  unordered: "match in some order",
  subset: "are within",
  superset: "include",
};

/**
 * One assistant message per step. agentevals compares tool calls message by message, so a
 * strict match sees order; the unordered, subset and superset modes pool all calls.
 */
function asMessages(steps: readonly string[]) {
  return steps.map((name, index) => ({
    role: "assistant" as const,
    content: "",
    tool_calls: [{ id: `step_${index}`, type: "function" as const, function: { name, arguments: "{}" } }],
  }));
}
