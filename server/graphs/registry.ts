/**
 * The graphs a server serves, compiled once with the server's checkpointer and store. Each graph
 * has a system assistant whose id is derived from the graph id exactly as `langgraph dev` derives
 * it (uuid5 in the same namespace), so clients can address either by graph id or assistant id.
 */
import type { BaseCheckpointSaver, BaseStore } from "@langchain/langgraph";
import { v5 as uuid5 } from "@langchain/core/utils/uuid";
import { NotFoundError } from "../../lib/errors.js";

/** The namespace `langgraph dev` derives assistant ids in. */
export const ASSISTANT_NAMESPACE = "6ba7b821-9dad-11d1-80b4-00c04fd430c8";

/** The assistant id `langgraph dev` gives the system assistant of `graphId`. */
export function assistantIdForGraph(graphId: string): string {
  return uuid5(graphId, ASSISTANT_NAMESPACE);
}

/**
 * The surface of a compiled LangGraph graph (Pregel) the server uses. Typed loosely on purpose:
 * graphs of any state shape are served.
 */
/* eslint-disable @typescript-eslint/no-explicit-any */
export interface ServableGraph {
  name?: string;
  checkpointer?: BaseCheckpointSaver | boolean | undefined;
  store?: BaseStore | undefined;
  stream(input: unknown, options?: any): Promise<AsyncIterable<any>>;
  streamEvents(input: unknown, options: any): AsyncIterable<any>;
  getState(config: any, options?: any): Promise<any>;
  getStateHistory(config: any, options?: any): AsyncIterable<any>;
  updateState(config: any, values: unknown, asNode?: string): Promise<any>;
  getGraphAsync(config?: any): Promise<{ toJSON(): unknown }>;
  getSubgraphsAsync(namespace?: string, recurse?: boolean): AsyncIterable<[string, ServableGraph]>;
  withConfig(config: any): ServableGraph;
  builder?: unknown;
}
/* eslint-enable @typescript-eslint/no-explicit-any */

/**
 * The graph writing its checkpoints through `saver` for one run (a run fenced by its thread
 * lease), and seeing `store` (the run owner's scope) when given: a copy, so the served graph stays
 * shared by every other run. Subgraphs inherit both.
 */
export function writingThrough(graph: ServableGraph, saver: BaseCheckpointSaver, store?: BaseStore): ServableGraph {
  const copy = graph.withConfig({});
  copy.checkpointer = saver;
  if (store) copy.store = store;
  return copy;
}

/** One served graph. */
export interface ServedGraph {
  id: string;
  graph: ServableGraph;
  description?: string;
}

/** A graph that could not be loaded, reported by name at start-up. */
export interface GraphLoadFailure {
  id: string;
  error: string;
}

/** The served graphs. */
export class GraphRegistry {
  private readonly graphs = new Map<string, ServedGraph>();

  constructor(
    graphs: ServedGraph[],
    readonly failures: GraphLoadFailure[] = [],
  ) {
    for (const graph of graphs) this.graphs.set(graph.id, graph);
  }

  /** Graph ids, in registration order. */
  ids(): string[] {
    return [...this.graphs.keys()];
  }

  has(id: string): boolean {
    return this.graphs.has(id);
  }

  /** The graph; NotFoundError naming the served ids otherwise. */
  get(id: string): ServedGraph {
    const found = this.graphs.get(id);
    if (found) return found;
    throw new NotFoundError("graph", id, { message: `Graph "${id}" not found. Served graphs: ${this.ids().join(", ") || "(none)"}.` });
  }

  /** Gives every graph the server's checkpointer and store (graphs are compiled once, shared by all runs). */
  attach(saver: BaseCheckpointSaver, store: BaseStore): void {
    for (const { graph } of this.graphs.values()) {
      graph.checkpointer = saver;
      graph.store = store;
    }
  }
}
