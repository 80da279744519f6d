/**
 * The writer: composes the deliverable and saves it into the thread's workspace.
 */
import { createSpecialist, pickTools, type SpecialistDefinition, type SpecialistDeps, type ToolSource } from "../../runtime.js";
import { WRITER_PROMPT } from "./prompt.js";

/** The writer's tools. */
export const WRITER_TOOLS = ["write_file"] as const;

/** Builds the writer; `overrides` adjust its definition. */
export function createWriter(deps: SpecialistDeps & { tools: ToolSource }, overrides: Partial<SpecialistDefinition> = {}) {
  return createSpecialist(
    {
      name: "writer",
      description: "Writes the deliverable (report, summary, email draft) from given material; can save it as a file.",
      prompt: WRITER_PROMPT,
      tools: () => pickTools("writer", deps.tools, WRITER_TOOLS),
      maxIterations: 5,
      ...overrides,
    },
    deps,
  );
}
