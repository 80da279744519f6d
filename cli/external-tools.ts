/**
 * `npm start -- --mcp-tools`: starts every MCP server and OpenAPI service the tool sources file
 * names, lists the tools each offers (model-facing name, name at the source, side-effect class)
 * and which agents get them, then closes them. A source that does not start is listed with why.
 */
import { readEnvReference, type Env } from "../lib/env.js";
import { createToolCatalog, loadExternalToolsConfig, type SourceListing } from "../tools/index.js";
import type { Output } from "./render.js";

/** Prints the listing; exit code 0, or 1 when a source is not running (so scripts notice). */
export async function listExternalTools(env: Env, out: Output): Promise<number> {
  let config;
  try {
    config = loadExternalToolsConfig(env.SWITCHBOARD_MCP_CONFIG);
  } catch (error) {
    out.info(`switchboard: ${(error as Error).message}`);
    return 64;
  }
  if (!config) {
    out.answer("No tool sources configured: create ./mcp.json or set SWITCHBOARD_MCP_CONFIG (see README, \"External tools\").");
    return 0;
  }
  const catalog = createToolCatalog({ env, externalTools: { config, lookup: (name) => readEnvReference(name) } });
  try {
    const listing = await catalog.external!.describe();
    out.answer(renderListing(listing));
    return listing.every((source) => source.state === "ready") ? 0 : 1;
  } catch (error) {
    out.info(`switchboard: ${(error as Error).message}`);
    return 64;
  } finally {
    await catalog.external!.close();
  }
}

/** The listing as text: one block per source, one line per tool. */
export function renderListing(listing: readonly SourceListing[]): string {
  return listing
    .map((source) => {
      const head = `${source.name} (${source.kind}${source.state === "ready" ? `, ${source.tools.length} tools` : `, not running: ${source.problem ?? source.state}`})`;
      const width = Math.max(0, ...source.tools.map((tool) => tool.name.length));
      const originalWidth = Math.max(0, ...source.tools.map((tool) => tool.original.length));
      const lines = source.tools.map(
        (tool) =>
          `  ${tool.name.padEnd(width)}  ${tool.sideEffect.padEnd(20)}  ${tool.original.padEnd(originalWidth)}  → ${tool.agents.length ? tool.agents.join(", ") : "(no agent)"}`,
      );
      return [head, ...lines].join("\n");
    })
    .join("\n\n");
}
