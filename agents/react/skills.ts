/**
 * Procedural memory in a specialist's prompt: the skills relevant to its task, looked up once
 * per task (at its first model call) and kept in state. A failing lookup is a rail event, not a
 * failed run.
 */
import type { BaseMessage } from "@langchain/core/messages";
import { isGraphBubbleUp, type LangGraphRunnableConfig } from "@langchain/langgraph";
import { railEvent, type RailEvent } from "../rails/budgets.js";
import type { ResolvedSpecialist } from "./spec.js";
import { latestHumanText } from "./transcript.js";

/** The skills section for the prompt ("" when none), the state update that keeps it, and what went wrong. */
export interface LoadedSkills {
  text: string | null;
  update: { skills?: string };
  events: RailEvent[];
}

/** The task's skills: `known` when already looked up (null: not yet). */
export async function loadSkills(spec: ResolvedSpecialist, known: string | null, history: readonly BaseMessage[], config: LangGraphRunnableConfig): Promise<LoadedSkills> {
  if (known !== null || !spec.skills) return { text: known, update: {}, events: [] };
  try {
    const skills = (await spec.skills.forTask(latestHumanText(history), config)).trim();
    return { text: skills, update: { skills }, events: [] };
  } catch (error) {
    if (isGraphBubbleUp(error)) throw error;
    return { text: "", update: { skills: "" }, events: [railEvent("memory_error", spec.name, `could not load skills: ${(error as Error).message}`)] };
  }
}
