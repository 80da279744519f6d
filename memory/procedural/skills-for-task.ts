/**
 * The agents' procedural-memory seam: before a specialist starts on a task, `forTask` returns a
 * prompt section with the skills relevant to it (the run owner's and the shared ones), or "" when
 * none fit. Typed structurally: memory/ does not import agents/.
 */
import type { RunnableConfig } from "@langchain/core/runnables";
import { ownerOfRun } from "../episodic/run-episodes.js";
import type { ProceduralMemory } from "./procedural-memory.js";
import { formatSkillsForPrompt } from "./skill.js";

/** What a specialist calls to load skills into its context. */
export interface SkillsSeam {
  forTask(task: string, config: RunnableConfig): Promise<string>;
}

/** Builds the seam on a ProceduralMemory. */
export function createSkillsSeam(skills: ProceduralMemory, options: { k?: number; minScore?: number } = {}): SkillsSeam {
  return {
    async forTask(task, config) {
      const found = await skills.relevantSkills(ownerOfRun(config), task, { k: options.k ?? 2, minScore: options.minScore ?? 0.1 });
      return formatSkillsForPrompt(found.map((entry) => entry.skill));
    },
  };
}
