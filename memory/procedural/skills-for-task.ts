/**
 * The agents' skill source: before a specialist starts on a task, `forTask` returns a
 * prompt section with the skills relevant to it (the run owner's and the shared ones), or "" when
 * none fit. The contract lives in lib/contracts: memory/ does not import agents/.
 */
import type { SkillSource } from "../../lib/contracts/memory.js";
import { ownerOfRun } from "../episodic/run-episodes.js";
import type { ProceduralMemory } from "./procedural-memory.js";
import { formatSkillsForPrompt } from "./skill.js";

/** Builds an agent's skill source on a ProceduralMemory. */
export function createSkillSource(skills: ProceduralMemory, options: { k?: number; minScore?: number } = {}): SkillSource {
  return {
    async forTask(task, config) {
      const found = await skills.relevantSkills(ownerOfRun(config), task, { k: options.k ?? 2, minScore: options.minScore ?? 0.1 });
      return formatSkillsForPrompt(found.map((entry) => entry.skill));
    },
  };
}
