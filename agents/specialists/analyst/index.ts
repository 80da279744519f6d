/**
 * The analyst: exact arithmetic and small programs in a sandbox.
 */
import { createSpecialist, pickTools, type SpecialistDefinition, type SpecialistDeps, type ToolSource } from "../../runtime.js";
import { ANALYST_PROMPT } from "./prompt.js";

/** The analyst's tools. */
export const ANALYST_TOOLS = ["calculator", "run_javascript"] as const;

/** Builds the analyst; `overrides` adjust its definition. */
export function createAnalyst(deps: SpecialistDeps & { tools: ToolSource }, overrides: Partial<SpecialistDefinition> = {}) {
  return createSpecialist(
    {
      name: "analyst",
      description: "Computes: exact arithmetic, statistics, data transformations in a JavaScript sandbox.",
      prompt: ANALYST_PROMPT,
      tools: () => pickTools("analyst", deps.tools, ANALYST_TOOLS),
      maxIterations: 8,
      ...overrides,
    },
    deps,
  );
}
