/**
 * The single registry of graphs. The CLI, the server and `langgraph.json` all read it; a test
 * fails when `langgraph.json` drifts from it. `npm run new:graph -- <id>` adds a graph folder
 * and registers it here (it edits the two marked lines).
 *
 * Every graph lives in `graphs/<id>/graph.ts`, which exports `builder` (uncompiled, default
 * services), `graph` (compiled, `graph.name === id`; what `langgraph dev` loads) and a factory
 * taking services (`GraphDeps`): the CLI and server compile with their own saver and store.
 * `openServices` (services.ts) is the composition root that opens those services for the CLI,
 * the server and workers.
 */
import type { BaseCheckpointSaver, BaseStore } from "@langchain/langgraph";
import { NotFoundError } from "../lib/errors.js";
import type { GraphDeps } from "./shared/deps.js";
import { createAgentBuilder } from "./agent/graph.js";
import { createHierarchicalBuilder } from "./hierarchical/graph.js";
import { createPlannerBuilder } from "./planner/graph.js";
import { createSupervisorBuilder } from "./supervisor/graph.js";
// new:graph imports above this line

export type { GraphDeps } from "./shared/deps.js";
export type { EpisodicMemoryHooks, RunEpisode } from "../lib/contracts/memory.js";
export { defaultGraphServices, lazyLongTermServices, longTermServices, type LongTermServices } from "./shared/long-term.js";
export { openServices, type OwnGraphServices, type RunTracingTarget, type Services, type ServicesOptions } from "./services.js";
export { runConfigurableJsonSchema, runConfigurableSchema } from "./shared/configurable.js";

/** What the CLI and the server do with a builder: compile it with their saver and store. */
export interface GraphBuilder {
  compile(options?: { checkpointer?: BaseCheckpointSaver | boolean; store?: BaseStore; name?: string }): CompiledRegisteredGraph;
}

/** The compiled graph surface the CLI and server use (a LangGraph `CompiledStateGraph`). */
export interface CompiledRegisteredGraph {
  name: string;
  invoke(input: unknown, config?: Record<string, unknown>): Promise<unknown>;
  stream(input: unknown, config?: Record<string, unknown>): Promise<AsyncIterable<unknown>>;
  getState(config: Record<string, unknown>, options?: Record<string, unknown>): Promise<{ values: unknown; next: readonly string[]; tasks: readonly unknown[] }>;
  updateState(config: Record<string, unknown>, values: unknown, asNode?: string): Promise<unknown>;
}

/** One registered graph. */
export interface GraphRegistration {
  /** snake_case id: the graph's name, its folder, its key in langgraph.json. */
  id: string;
  /** One line for `--help`, `/assistants` and the README. */
  description: string;
  /** The uncompiled graph with the given services. */
  createBuilder(deps?: GraphDeps): GraphBuilder;
}

/** The registered graphs, in the order the CLI lists them. */
export const GRAPHS: readonly GraphRegistration[] = [
  { id: "supervisor", description: "A supervisor routes the goal to researcher, analyst, writer and operator until done.", createBuilder: createSupervisorBuilder as never },
  { id: "hierarchical", description: "A top supervisor over a research team and a production team, each with its own supervisor.", createBuilder: createHierarchicalBuilder as never },
  { id: "planner", description: "Plans sub-tasks, runs independent ones in parallel, aggregates the results.", createBuilder: createPlannerBuilder as never },
  { id: "agent", description: "One ReAct agent with every tool (agent as a service).", createBuilder: createAgentBuilder as never },
  // new:graph entries above this line
];

/** The graph run when none is named. */
export const DEFAULT_GRAPH_ID = "supervisor";

/** The registration of `id`; NotFoundError (listing the ids) otherwise. */
export function getGraph(id: string): GraphRegistration {
  const found = GRAPHS.find((graph) => graph.id === id);
  if (found) return found;
  const error = new NotFoundError("graph", id);
  error.message += ` Registered graphs: ${GRAPHS.map((graph) => graph.id).join(", ")}.`;
  throw error;
}

/** The langgraph.json path of a graph's compiled export. */
export function graphEntryPath(id: string): string {
  return `./graphs/${id}/graph.ts:graph`;
}

/** The langgraph.json this registry implies (checked against the file by a test; written by new:graph). */
export function langgraphConfig(): { node_version: string; graphs: Record<string, string>; env: string } {
  return { node_version: "20", graphs: Object.fromEntries(GRAPHS.map((graph) => [graph.id, graphEntryPath(graph.id)])), env: ".env" };
}
