/** The planner's prompts. */
import type { Subagent } from "../../agents/index.js";
import { describeWork, oneLine, pastRunsSection } from "../shared/run.js";
import type { TaskResult } from "./state.js";

/** The planning prompt over `subagents`. */
export function plannerPrompt(subagents: readonly Subagent[], maxTasks: number): string {
  const team = subagents.map((subagent) => `- ${subagent.name}: ${subagent.description}`).join("\n");
  return `You plan work for a team of specialists:
${team}
Call plan with at most ${maxTasks} sub-tasks. Each names one specialist and a self-contained task; list in dependsOn the ids of earlier sub-tasks whose results it needs. Sub-tasks without dependencies run in parallel, so only add a dependency when the result is really needed.`;
}

/** The planning request. */
export function planRequest(goal: string, recalled: string[], note?: string): string {
  const parts = [`Goal: ${goal}`];
  const pastRuns = pastRunsSection(recalled);
  if (pastRuns) parts.push(pastRuns);
  if (note) parts.push(`Note: ${note}`);
  return parts.join("\n\n");
}

/** The brief a sub-task's specialist receives: its task plus the results it builds on. */
export function taskBrief(task: string, inputs: { id: string; agent: string; result: string }[]): string {
  if (inputs.length === 0) return task;
  return `${task}\n\nResults you can build on:\n${inputs.map((input) => `- ${input.id} (${input.agent}): ${oneLine(input.result, 1_500)}`).join("\n")}`;
}

/** The system prompt of the final aggregation. */
export const AGGREGATE_PROMPT = "Write the final answer to the goal from the sub-task results below. Use only what they found; say what is missing.";

/** The aggregation request. */
export function aggregateRequest(goal: string, results: readonly TaskResult[]): string {
  return `Goal: ${goal}\n\nSub-task results:\n${describeWork(results)}`;
}
