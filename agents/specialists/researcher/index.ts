/**
 * The researcher: finds facts with web search, page fetches and the knowledge base.
 */
import { createSpecialist, pickTools, type SpecialistDefinition, type SpecialistDeps, type ToolSource } from "../../runtime.js";
import { RESEARCHER_PROMPT } from "./prompt.js";

/** The researcher's tools, in order of preference. */
export const RESEARCHER_TOOLS = ["search_knowledge", "web_search", "http_fetch"] as const;

/** Builds the researcher; `overrides` adjust its definition (prompt, limits, tools). */
export function createResearcher(deps: SpecialistDeps & { tools: ToolSource }, overrides: Partial<SpecialistDefinition> = {}) {
  return createSpecialist(
    {
      name: "researcher",
      description: "Finds facts and sources: searches the knowledge base and the web, reads pages.",
      prompt: RESEARCHER_PROMPT,
      tools: () => pickTools("researcher", deps.tools, RESEARCHER_TOOLS),
      maxIterations: 8,
      ...overrides,
    },
    deps,
  );
}
