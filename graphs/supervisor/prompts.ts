/**
 * The supervisor's prompts. Kept short on purpose: every hop sends them again, and prompt
 * tokens per hop are one of the numbers `npm run bench:graphs` holds us to.
 */
import type { Subagent } from "../../agents/index.js";
import { describeWork, oneLine, pastRunsSection, type WorkRecord } from "../shared/run.js";

/** The system prompt of a supervisor over `subagents`. */
export function supervisorPrompt(subagents: readonly Subagent[], preamble?: string): string {
  const team = subagents.map((subagent) => `- ${subagent.name}: ${subagent.description}`).join("\n");
  return `${preamble ?? "You supervise a team of specialists."}
Team:
${team}
Each step, call route: either pick the one specialist who should work next and give a self-contained brief (they see only your brief), or finish with the final answer built from their results. Do not ask for work that already has a result. Finish as soon as the results answer the goal.`;
}

/** The user turn of a decision: goal, earlier conversation, recalled episodes, work so far, a note. */
export function decisionRequest(input: { goal: string; earlier: string[]; recalled: string[]; work: readonly WorkRecord[]; note: string | null }): string {
  const parts = [`Goal: ${input.goal}`];
  if (input.earlier.length > 0) parts.push(`Earlier in this conversation:\n${input.earlier.join("\n")}`);
  const pastRuns = pastRunsSection(input.recalled);
  if (pastRuns) parts.push(pastRuns);
  parts.push(`Work so far:\n${describeWork(input.work)}`);
  if (input.note) parts.push(`Note: ${input.note}`);
  return parts.join("\n\n");
}

/** The note after a request that repeats earlier work. */
export function repeatedRequestNote(agent: string): string {
  return `You already gave ${agent} exactly this task and have its result above. Do not ask again: use that result, give a different task, pick another specialist, or finish.`;
}

/** The note after a hop whose result repeats an earlier one. */
export function noProgressNote(agent: string): string {
  return `${agent} returned nothing new (the same result as before). Change approach or finish with what you have.`;
}

/** The note after a decision that could not be read. */
export function unreadableDecisionNote(error: string): string {
  return `Your last decision could not be read (${oneLine(error, 200)}). Call route with valid arguments.`;
}
