/**
 * Hierarchical teams: a top supervisor over two team supervisors (research: researcher and
 * analyst; production: writer and operator), each team a nested supervisor subgraph.
 *
 *   START → supervisor ⇄ {research_team ⇄ {researcher, analyst}, production_team ⇄ {writer, operator}} → END
 *
 * Budgets flow down two levels: a team gets what the run has left, a specialist what its team has.
 */
import { ConfigError } from "../../lib/errors.js";
import { createSpecialists, type SpecialistName, type Subagent } from "../../agents/index.js";
import { resolveGraphDeps, type GraphDeps } from "../shared/deps.js";
import { defaultGraphServices } from "../shared/long-term.js";
import { createSupervisorBuilder, createSupervisorTeam } from "../supervisor/graph.js";
import type { HierarchicalOptions, TeamDefinition } from "./config.js";
import { PRODUCTION_TEAM_PREAMBLE, RESEARCH_TEAM_PREAMBLE, TOP_PREAMBLE } from "./prompts.js";

/** The graph id. */
export const GRAPH_ID = "hierarchical";

/** The default teams. */
export const DEFAULT_TEAMS: readonly TeamDefinition[] = [
  { name: "research_team", description: "Finds facts and sources and works out the numbers.", preamble: RESEARCH_TEAM_PREAMBLE, members: ["researcher", "analyst"], maxHops: 5 },
  { name: "production_team", description: "Writes the deliverable and carries out actions (files, webhooks).", preamble: PRODUCTION_TEAM_PREAMBLE, members: ["writer", "operator"], maxHops: 4 },
];

/** The uncompiled hierarchical graph. `deps.subagents` replaces the specialists teams draw from. */
export function createHierarchicalBuilder(deps: GraphDeps = {}, options: HierarchicalOptions = {}) {
  const resolved = resolveGraphDeps(GRAPH_ID, deps);
  const specialists = new Map<string, Subagent>((resolved.subagents ?? createSpecialists(resolved)).map((subagent) => [subagent.name, subagent]));
  // Teams share the run's services; only the top level recalls and records episodes.
  const shared: GraphDeps = {
    models: resolved.models,
    tools: resolved.tools,
    executor: resolved.executor,
    defaultLimits: resolved.defaultLimits,
    ...(resolved.skills ? { skills: resolved.skills } : {}),
    ...(resolved.contextManager ? { contextManager: resolved.contextManager } : {}),
  };
  const teams = (options.teams ?? DEFAULT_TEAMS).map((team) => {
    const members = team.members.map((name: SpecialistName | string) => {
      const subagent = specialists.get(name);
      if (!subagent) throw new ConfigError(`Team '${team.name}' names '${name}', which is not among the specialists (${[...specialists.keys()].join(", ")}).`);
      return subagent;
    });
    return createSupervisorTeam({ ...shared, subagents: members }, { name: team.name, description: team.description, preamble: team.preamble, maxHops: team.maxHops });
  });
  return createSupervisorBuilder({ ...shared, memory: resolved.memory, subagents: teams }, { name: GRAPH_ID, preamble: TOP_PREAMBLE, maxHops: options.maxHops ?? 4 });
}

/** The uncompiled graph with default services (long-term memory opened from the environment on first use). */
export const builder = createHierarchicalBuilder(defaultGraphServices());

/** The compiled graph, for `langgraph dev` and LangGraph Studio. */
export const graph = builder.compile({ name: GRAPH_ID });
