/**
 * Specialists as data: a name, a one-line description, a prompt, the tools it wants by name,
 * its iteration limit and context window. `buildSpecialist` turns one into a sub-agent with the
 * graph's services.
 */
import type { Subagent } from "../subagent.js";
import { createSpecialist, type SpecialistDefinition, type SpecialistDeps, type SpecialistGraph } from "../react/specialist.js";
import type { ContextSettings } from "../react/spec.js";
import { pickTools, type ToolSource } from "../react/tool-source.js";

/** A specialist declared as data. */
export interface SpecialistBlueprint {
  /** snake_case; supervisors route to it and traces show it. */
  readonly name: string;
  /** One line for the supervisor: what this specialist is good for. */
  readonly description: string;
  /** The system prompt. */
  readonly prompt: string;
  /** Its tools by name, in order of preference; tools not on offer are left out, none on offer is an error. */
  readonly tools: readonly string[];
  /** Most model calls per task. */
  readonly maxIterations: number;
  /** Context window (default 24,000 tokens) and how to compact it. */
  readonly context?: Partial<ContextSettings>;
}

/** Declares a specialist; it is checked when built (createSpecialist says what to fix). */
export function defineSpecialist<const Blueprint extends SpecialistBlueprint>(blueprint: Blueprint): Blueprint {
  return Object.freeze(blueprint);
}

/** Builds a declared specialist on the graph's services; `overrides` adjust its definition (prompt, limits, tools). */
export function buildSpecialist(
  blueprint: SpecialistBlueprint,
  deps: SpecialistDeps & { tools: ToolSource },
  overrides: Partial<SpecialistDefinition> = {},
): Subagent<SpecialistGraph> {
  const { name, description, prompt, maxIterations, context } = blueprint;
  const tools = () => pickTools(name, deps.tools, blueprint.tools, deps.graphId);
  return createSpecialist({ name, description, prompt, tools, maxIterations, ...(context ? { context } : {}), ...overrides }, deps);
}
