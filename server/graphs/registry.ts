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

/** A graph factory from a langgraph.json export: called with a run's or an assistant's config. */
export type GraphFactory = (config: Record<string, unknown>, access?: "assistants.read" | "threads.create_run") => Promise<ServableGraph>;

/** One served graph. */
export interface ServedGraph {
  id: string;
  /** The graph (for a factory: what it gives for an empty config). */
  graph: ServableGraph;
  /** Set when the export is a factory: the graph is built per run and per assistant. */
  factory?: GraphFactory;
  description?: string;
  /** Where the graph is declared (for the TypeScript schema extractor). */
  source?: { sourceFile: string; exportSymbol: string };
  /** The TypeScript pass's answer made ahead of time (our own graphs: own-schemas.ts), keyed as the extractor keys it. */
  typedSchemas?: Record<string, { state?: unknown; input?: unknown; output?: unknown; config?: unknown }>;
  /** JSON Schema of the `configurable` the graph honours, when it declares one beside its state (our own graphs). */
  configSchema?: Record<string, unknown>;
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

  /**
   * The graph for an assistant's or a run's config: a factory is called with it (as the
   * reference does), any other graph is the shared compiled one.
   */
  async resolve(id: string, config: Record<string, unknown> = {}, access: "assistants.read" | "threads.create_run" = "assistants.read"): Promise<ServableGraph> {
    const served = this.get(id);
    if (!served.factory) return served.graph;
    const graph = await served.factory({ configurable: {}, ...config }, access);
    return this.attachTo(graph);
  }

  /** Gives every graph the server's checkpointer and store (graphs are compiled once, shared by all runs). */
  attach(saver: BaseCheckpointSaver, store: BaseStore): void {
    this.saver = saver;
    this.store = store;
    for (const { graph } of this.graphs.values()) this.attachTo(graph);
  }

  private saver?: BaseCheckpointSaver;
  private store?: BaseStore;

  private attachTo(graph: ServableGraph): ServableGraph {
    graph.checkpointer = this.saver;
    graph.store = this.store;
    return graph;
  }
}
