/**
 * Picking an agent's tools: from the tools layer's catalog (tools not configured, such as
 * web_search without a Tavily key, are simply absent) or from a plain name → spec map.
 */
import { ConfigError } from "../../lib/errors.js";
import type { ToolCatalog } from "../../tools/index.js";
import type { AnyToolSpec } from "./tool-contract.js";

/** Where an agent's tools come from; a function is asked on first use (it may read the environment). */
export type ToolSource = ToolCatalog | Readonly<Record<string, AnyToolSpec>> | (() => ToolSource);

/** Resolves a lazy tool source. */
export function resolveToolSource(source: ToolSource): ToolCatalog | Readonly<Record<string, AnyToolSpec>> {
  let current = source;
  while (typeof current === "function") current = current();
  return current;
}

function isCatalog(source: object): source is ToolCatalog {
  return typeof (source as ToolCatalog).select === "function";
}

/** The tools of `wanted` on offer, plus the external tools the catalog's config gives `agent` (or its graph); fails when none is, naming what is missing. */
export function pickTools(agent: string, source: ToolSource, wanted: readonly string[], graphId?: string): AnyToolSpec[] {
  const resolved = resolveToolSource(source);
  const picked = isCatalog(resolved) ? resolved.select(wanted, agent, graphId) : wanted.flatMap((name) => (resolved[name] ? [resolved[name]] : []));
  if (picked.length === 0 && wanted.length > 0) {
    const why = isCatalog(resolved) ? ` (${wanted.map((name) => `${name}: ${resolved.unavailable[name as keyof typeof resolved.unavailable] ?? "not offered"}`).join("; ")})` : "";
    throw new ConfigError(`Agent '${agent}' has none of its tools on offer${why}; configure them or pass tools in the graph's deps.`);
  }
  return picked;
}
