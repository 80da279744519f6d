/**
 * Loads the graphs a `langgraph.json` declares (`"id": "./path/file.ts:export"`), like
 * `langgraph dev` does: the export may be a compiled graph, an uncompiled StateGraph, or a
 * (possibly async) factory returning either, kept to be called per run and per assistant. A graph
 * that fails to load is reported by name and the others are still served.
 */
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import type { LanggraphConfig } from "./config.js";
import type { GraphFactory, GraphLoadFailure, ServableGraph, ServedGraph } from "./registry.js";

export { readLanggraphConfig, type LanggraphConfig } from "./config.js";

function isCompiled(value: unknown): value is ServableGraph {
  return typeof value === "object" && value !== null && typeof (value as ServableGraph).stream === "function" && typeof (value as ServableGraph).getState === "function";
}

function isBuilder(value: unknown): value is { compile(options?: unknown): unknown } {
  return typeof value === "object" && value !== null && typeof (value as { compile?: unknown }).compile === "function";
}

/** A compiled graph from what a factory or an export gave. */
async function toCompiled(value: unknown): Promise<ServableGraph> {
  let candidate = await value;
  if (isBuilder(candidate) && !isCompiled(candidate)) candidate = candidate.compile();
  // createAgent-style wrappers expose the compiled graph as `.graph`.
  const inner = (candidate as { graph?: unknown } | null)?.graph;
  if (isCompiled(inner)) candidate = inner;
  if (!isCompiled(candidate)) throw new Error("the export is not a LangGraph graph (compiled, uncompiled or a factory returning one)");
  return candidate;
}

/** Imports the export a "file:export" spec names (default export without ":export"). */
export async function importSpec(dir: string, spec: string): Promise<unknown> {
  const [file, exportName] = spec.split(":", 2) as [string, string | undefined];
  const module = (await import(pathToFileURL(resolve(dir, file)).href)) as Record<string, unknown>;
  const exported = module[exportName || "default"];
  if (exported === undefined) throw new Error(`${file} has no export '${exportName || "default"}'`);
  return exported;
}

/**
 * Loads one "file:export" spec. A factory (an exported function) is kept: the reference calls it
 * per run with the run's config and per assistant with the assistant's, so a graph may pick its
 * nodes by config; the graph it gives for an empty config is the one listed and drawn by default.
 */
export async function loadGraphSpec(dir: string, spec: string): Promise<{ graph: ServableGraph; factory?: GraphFactory }> {
  const exported = await importSpec(dir, spec);
  if (typeof exported !== "function") return { graph: await toCompiled(exported) };
  const factory: GraphFactory = async (config, access = "assistants.read") =>
    toCompiled((exported as (config: unknown, runtime?: unknown) => unknown)(config, { accessContext: access, executionRuntime: access === "threads.create_run" ? { context: (config as { context?: unknown }).context } : null }));
  return { graph: await factory({ configurable: {} }), factory };
}

/** Loads every graph of a config; `override` may supply a graph (e.g. from the project's registry). */
export async function loadGraphs(
  config: LanggraphConfig,
  override?: (id: string, spec: string) => ServableGraph | undefined,
): Promise<{ graphs: ServedGraph[]; failures: GraphLoadFailure[] }> {
  const graphs: ServedGraph[] = [];
  const failures: GraphLoadFailure[] = [];
  for (const [id, spec] of Object.entries(config.graphs)) {
    try {
      const own = override?.(id, spec);
      const description = config.descriptions[id];
      const [file, exportSymbol] = spec.split(":", 2) as [string, string | undefined];
      const source = { sourceFile: resolve(config.dir, file), exportSymbol: exportSymbol || "default" };
      graphs.push({ id, ...(own ? { graph: own } : await loadGraphSpec(config.dir, spec)), source, ...(description ? { description } : {}) });
    } catch (error) {
      failures.push({ id, error: error instanceof Error ? error.message : String(error) });
    }
  }
  return { graphs, failures };
}
