/**
 * The specialists Switchboard ships, as one table, and one call that builds any set of them for
 * a graph. Adding a specialist: a file in this folder declaring it with `defineSpecialist`, and
 * its line in SPECIALISTS.
 */
import { ConfigError } from "../../lib/errors.js";
import type { SpecialistDefinition, SpecialistDeps } from "../react/specialist.js";
import type { ToolSource } from "../react/tool-source.js";
import type { Subagent } from "../subagent.js";
import { analyst } from "./analyst.js";
import { buildSpecialist, type SpecialistBlueprint } from "./define.js";
import { operator } from "./operator.js";
import { researcher } from "./researcher.js";
import { writer } from "./writer.js";

export { buildSpecialist, defineSpecialist, type SpecialistBlueprint } from "./define.js";

/** The shipped specialists, by name. */
export const SPECIALISTS = { researcher, analyst, writer, operator } as const satisfies Record<string, SpecialistBlueprint>;

/** The name of a shipped specialist. */
export type SpecialistName = keyof typeof SPECIALISTS;

/** Builds the named specialists (all by default) with shared services and per-agent overrides. */
export function createSpecialists(
  deps: SpecialistDeps & { tools: ToolSource },
  names: readonly SpecialistName[] = Object.keys(SPECIALISTS) as SpecialistName[],
  overrides: Partial<Record<SpecialistName, Partial<SpecialistDefinition>>> = {},
): Subagent[] {
  return names.map((name) => {
    const blueprint: SpecialistBlueprint | undefined = SPECIALISTS[name];
    if (!blueprint) throw new ConfigError(`Unknown specialist '${name}'; choose from ${Object.keys(SPECIALISTS).join(", ")}.`);
    return buildSpecialist(blueprint, deps, overrides[name]);
  });
}
