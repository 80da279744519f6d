/**
 * The specialists Switchboard ships, and one call that builds any set of them for a graph.
 */
import { ConfigError } from "../../lib/errors.js";
import { createAnalyst } from "./analyst/index.js";
import { createOperator } from "./operator/index.js";
import { createResearcher } from "./researcher/index.js";
import type { SpecialistDefinition, SpecialistDeps } from "../react/specialist.js";
import type { ToolSource } from "../react/tool-source.js";
import type { Subagent } from "../subagent.js";
import { createWriter } from "./writer/index.js";
export { createAnalyst, createOperator, createResearcher, createWriter };

/** Factories of the shipped specialists, by name. */
export const SPECIALISTS = {
  researcher: createResearcher,
  analyst: createAnalyst,
  writer: createWriter,
  operator: createOperator,
} as const;

/** The name of a shipped specialist. */
export type SpecialistName = keyof typeof SPECIALISTS;

/** Builds the named specialists (all by default) with shared services and per-agent overrides. */
export function createSpecialists(
  deps: SpecialistDeps & { tools: ToolSource },
  names: readonly SpecialistName[] = Object.keys(SPECIALISTS) as SpecialistName[],
  overrides: Partial<Record<SpecialistName, Partial<SpecialistDefinition>>> = {},
): Subagent[] {
  return names.map((name) => {
    const factory = SPECIALISTS[name];
    if (!factory) throw new ConfigError(`Unknown specialist '${name}'; choose from ${Object.keys(SPECIALISTS).join(", ")}.`);
    return factory(deps, overrides[name]);
  });
}
