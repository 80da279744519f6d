/**
 * Picking an agent's tools from the tool catalog: the specs the process offers (a tool that
 * is not configured, such as web_search without a Tavily key, is simply absent).
 */
import { ConfigError } from "../../lib/errors.js";
import type { AnyToolSpec } from "./tool-contract.js";

/** The tools on offer, by name; a function is asked on first use (it may read the environment). */
export type ToolCatalog = Readonly<Record<string, AnyToolSpec>> | ReadonlyMap<string, AnyToolSpec> | (() => ToolCatalog);

/** The tools of `wanted` that the catalog offers; fails when none is, naming what is missing. */
export function pickTools(agent: string, catalog: ToolCatalog, wanted: readonly string[]): AnyToolSpec[] {
  while (typeof catalog === "function") catalog = catalog();
  const lookup = (name: string) => (catalog instanceof Map ? catalog.get(name) : (catalog as Readonly<Record<string, AnyToolSpec>>)[name]);
  const picked = wanted.map(lookup).filter((spec): spec is AnyToolSpec => spec !== undefined);
  if (picked.length === 0 && wanted.length > 0) {
    throw new ConfigError(`Agent '${agent}' has none of its tools (${wanted.join(", ")}) in the tool catalog; register them in tools/ or pass them in deps.tools.`);
  }
  return picked;
}
