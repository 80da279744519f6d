/**
 * Loads the graphs a `langgraph.json` declares (`"id": "./path/file.ts:export"`), like
 * `langgraph dev` does: the export may be a compiled graph, an uncompiled StateGraph, or a
 * (possibly async) function returning either. A graph that fails to load is reported by name and
 * the others are still served.
 */
import { readFile } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { z } from "zod";
import { ConfigError } from "../../lib/errors.js";
import type { GraphLoadFailure, ServableGraph, ServedGraph } from "./registry.js";

const langgraphJsonSchema = z.object({
  graphs: z.record(z.string().regex(/^[A-Za-z0-9_\-.]+$/, "graph ids are letters, digits, _ - ."), z.string().min(1)),
  env: z.union([z.string(), z.record(z.string(), z.string())]).optional(),
});

/** A parsed langgraph.json: graph id → "file:export", relative to `dir`. */
export interface LanggraphConfig {
  path: string;
  dir: string;
  graphs: Record<string, string>;
}

/** Reads and validates a langgraph.json; ConfigError naming the file otherwise. */
export async function readLanggraphConfig(path: string): Promise<LanggraphConfig> {
  const absolute = resolve(path);
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(absolute, "utf8"));
  } catch (error) {
    throw new ConfigError(`Cannot read ${absolute}: ${(error as Error).message}. Pass --config path/to/langgraph.json.`, { cause: error, setting: "--config" });
  }
  const result = langgraphJsonSchema.safeParse(parsed);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new ConfigError(`${absolute}: ${issue?.path.join(".") || "(root)"} ${issue?.message}.`, { setting: "--config" });
  }
  return { path: absolute, dir: dirname(absolute), graphs: result.data.graphs };
}

function isCompiled(value: unknown): value is ServableGraph {
  return typeof value === "object" && value !== null && typeof (value as ServableGraph).stream === "function" && typeof (value as ServableGraph).getState === "function";
}

function isBuilder(value: unknown): value is { compile(options?: unknown): unknown } {
  return typeof value === "object" && value !== null && typeof (value as { compile?: unknown }).compile === "function";
}

async function resolveExport(value: unknown): Promise<ServableGraph> {
  let candidate = await value;
  if (typeof candidate === "function") candidate = await (candidate as (config: unknown) => unknown)({ configurable: {} });
  if (isBuilder(candidate) && !isCompiled(candidate)) candidate = candidate.compile();
  // createAgent-style wrappers expose the compiled graph as `.graph`.
  const inner = (candidate as { graph?: unknown } | null)?.graph;
  if (isCompiled(inner)) candidate = inner;
  if (!isCompiled(candidate)) throw new Error("the export is not a LangGraph graph (compiled, uncompiled or a factory returning one)");
  return candidate;
}

/** Loads one "file:export" spec. */
export async function loadGraphSpec(dir: string, spec: string): Promise<ServableGraph> {
  const [file, exportName] = spec.split(":", 2) as [string, string | undefined];
  const module = (await import(pathToFileURL(resolve(dir, file)).href)) as Record<string, unknown>;
  const exported = module[exportName || "default"];
  if (exported === undefined) throw new Error(`${file} has no export '${exportName || "default"}'`);
  return resolveExport(exported);
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
      graphs.push({ id, graph: override?.(id, spec) ?? (await loadGraphSpec(config.dir, spec)) });
    } catch (error) {
      failures.push({ id, error: error instanceof Error ? error.message : String(error) });
    }
  }
  return { graphs, failures };
}
