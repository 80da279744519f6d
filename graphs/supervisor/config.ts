/**
 * Configuration of a supervisor graph: build-time options (team, prompt, hop limit) and the
 * per-run settings read from `configurable` (rails: limits, loop policy, prices; tools: policies).
 */
import { ConfigError } from "../../lib/errors.js";
import type { Subagent } from "../../agents/index.js";
import { SUPERVISOR_STATE_KEYS } from "./state.js";

/** Build-time options of a supervisor graph. */
export interface SupervisorOptions {
  /** The graph's name (graph id or team name), snake_case; it is also the supervisor's agent name in events. */
  name?: string;
  /** One line describing the team, when it serves as a sub-agent of a higher supervisor. */
  description?: string;
  /** Opening line of the system prompt (who the supervisor is). */
  preamble?: string;
  /** Most delegations per run (the supervisor's own iteration limit). */
  maxHops?: number;
}

/** Default hop limit: enough for research, analysis, writing and a correction or two. */
export const DEFAULT_MAX_HOPS = 8;

const RESERVED = new Set(["supervisor", "finish", "__start__", "__end__", ...SUPERVISOR_STATE_KEYS]);

/** Checks a team; throws a ConfigError saying what to change. */
export function validateTeam(graph: string, subagents: readonly Subagent[], maxHops: number): void {
  if (subagents.length === 0) throw new ConfigError(`Supervisor '${graph}' has no sub-agents; give it at least one specialist.`);
  const seen = new Set<string>();
  for (const subagent of subagents) {
    if (!subagent || typeof subagent.name !== "string" || !subagent.graph) {
      throw new ConfigError(`Supervisor '${graph}' was given something that is not a sub-agent; build sub-agents with createSpecialist or a team graph.`);
    }
    if (RESERVED.has(subagent.name)) throw new ConfigError(`Sub-agent name '${subagent.name}' is reserved in supervisor '${graph}'; rename the agent.`);
    if (seen.has(subagent.name)) throw new ConfigError(`Agent name '${subagent.name}' is used twice in supervisor '${graph}'; names must be unique.`);
    if (!subagent.description?.trim()) throw new ConfigError(`Sub-agent '${subagent.name}' needs a description so supervisor '${graph}' knows when to use it.`);
    seen.add(subagent.name);
  }
  if (!Number.isInteger(maxHops) || maxHops < 1) throw new ConfigError(`Supervisor '${graph}': maxHops must be a whole number of at least 1, got ${maxHops}.`);
}
