/**
 * The flagship topology: a supervisor routes a goal to specialist sub-agents (each a subgraph),
 * reads their results, and finishes with the final answer.
 *
 *   START → supervisor ⇄ {researcher, analyst, writer, operator} … → END
 */
import { END, START, StateGraph } from "@langchain/langgraph";
import { createSpecialists, type Subagent } from "../../agents/index.js";
import { resolveGraphDeps, type GraphDeps } from "../shared/deps.js";
import { defaultGraphServices } from "../shared/long-term.js";
import { DEFAULT_MAX_HOPS, validateTeam, type SupervisorOptions } from "./config.js";
import { createSupervisorNode, createSubagentNode, type SupervisorContext } from "./nodes.js";
import { routeAfterSubagent, routeFromSupervisor } from "./routes.js";
import { SupervisorInput, SupervisorState } from "./state.js";

/** The graph id. */
export const GRAPH_ID = "supervisor";

/** The uncompiled supervisor graph over `deps.subagents` (default: the four shipped specialists). */
export function createSupervisorBuilder(deps: GraphDeps = {}, options: SupervisorOptions = {}) {
  const name = options.name ?? GRAPH_ID;
  const resolved = resolveGraphDeps(name, deps);
  const subagents: readonly Subagent[] = resolved.subagents ?? createSpecialists(resolved);
  const maxHops = options.maxHops ?? DEFAULT_MAX_HOPS;
  validateTeam(name, subagents, maxHops);
  const ctx: SupervisorContext = { name, subagents, maxHops, preamble: options.preamble, deps: resolved };
  const names = subagents.map((subagent) => subagent.name);
  const builder = new StateGraph({ stateSchema: SupervisorState, input: SupervisorInput }).addNode("supervisor", createSupervisorNode(ctx));
  for (const subagent of subagents) builder.addNode(subagent.name, createSubagentNode(ctx, subagent), { subgraphs: [subagent.graph as never] });
  builder.addEdge(START, "supervisor" as never);
  builder.addConditionalEdges("supervisor" as never, routeFromSupervisor, [...names, "supervisor", END] as never);
  for (const subagent of subagents) builder.addConditionalEdges(subagent.name as never, routeAfterSubagent, ["supervisor", END] as never);
  return builder;
}

/** A compiled supervisor graph usable as a sub-agent of a higher supervisor (a team). */
export function createSupervisorTeam(deps: GraphDeps, options: SupervisorOptions & { name: string; description: string }): Subagent {
  const graph = createSupervisorBuilder(deps, options).compile({ name: options.name });
  return { name: options.name, description: options.description, graph: graph as unknown as Subagent["graph"] };
}

/** The uncompiled graph with default services (the CLI and server compile it with their saver). */
export const builder = createSupervisorBuilder(defaultGraphServices());

/** The compiled graph, for `langgraph dev` and LangGraph Studio. */
export const graph = builder.compile({ name: GRAPH_ID });
