/**
 * External tool sources of a process: the MCP servers and OpenAPI services the config file
 * names, and which agents get which of their tools. Sources start on first need (or `start()`),
 * are shared by every run, and are closed with the process; a source that fails is reported by
 * name and its tools are simply not offered.
 */
import { silentLogger, type Logger } from "../../lib/logger.js";
import type { NetPolicy } from "../net/net-guard.js";
import type { AnyToolSpec } from "../types.js";
import { matchesPattern, type EnvLookup, type ExternalToolsConfig } from "./config.js";
import { McpServerHandle, type Backoff } from "./mcp-server.js";
import { OpenApiService } from "./openapi.js";
import type { ToolSourceHandle } from "./source.js";
import { waitAtMost } from "../../lib/wait-at-most.js";

/** One source in a listing: its tools and the agents that get each. */
export interface SourceListing {
  name: string;
  kind: "mcp" | "openapi";
  state: string;
  problem?: string;
  tools: { name: string; original: string; sideEffect: string; agents: string[] }[];
}

/** The external tool sources of a process. */
export interface ExternalToolSources {
  /** Every configured source by name. */
  readonly sources: ReadonlyMap<string, ToolSourceHandle>;
  /** Starts every source; resolves when each runs or has failed (never rejects). */
  start(): Promise<void>;
  /** The tools `agent` (of graph `graphId`) gets now; sources not started yet are started in the background. */
  toolsFor(agent: string, graphId?: string): AnyToolSpec[];
  /** Names and problems of sources that are not running. */
  problems(): Record<string, string>;
  /** Starts every source and lists its tools with the agents that get them (the CLI's `--mcp-tools`). */
  describe(): Promise<SourceListing[]>;
  /** Closes every source. */
  close(): Promise<void>;
}

/** Inputs of `createExternalToolSources`. */
export interface ExternalToolSourcesOptions {
  config: ExternalToolsConfig;
  /** Reads `${VAR}` references. */
  lookup: EnvLookup;
  /** Where OpenAPI calls may go (the network guard's policy). */
  policy: NetPolicy;
  logger?: Logger;
  /** Restart backoff of MCP servers (tests shorten it). */
  backoff?: Backoff;
  /** How long `describe` waits for sources to start (a hung server is listed as still starting); default 20 s. */
  describeWaitMs?: number;
}

/** Builds the sources from the config; connects nothing until asked. */
export function createExternalToolSources(options: ExternalToolSourcesOptions): ExternalToolSources {
  const { config, lookup } = options;
  const logger = options.logger ?? silentLogger();
  const sources = new Map<string, ToolSourceHandle>();
  for (const [name, server] of Object.entries(config.mcpServers)) sources.set(name, new McpServerHandle(name, server, lookup, logger, options.backoff));
  for (const [name, service] of Object.entries(config.openapi)) sources.set(name, new OpenApiService(name, service, { lookup, policy: options.policy, baseDir: config.baseDir, logger }));

  // A key names an agent, a graph (every agent of it) or `*` (every agent).
  const patternsFor = (agent: string, graphId?: string) => [
    ...new Set([...(config.agents[agent] ?? []), ...(graphId && graphId !== agent ? (config.agents[graphId] ?? []) : []), ...(agent === "*" ? [] : (config.agents["*"] ?? []))]),
  ];
  const agentsOf = (source: string, tool: string) =>
    Object.entries(config.agents)
      .filter(([, patterns]) => patterns.some((pattern) => matchesPattern(pattern, source, tool)))
      .map(([agent]) => agent);

  const startAll = async () => void (await Promise.all([...sources.values()].map((source) => source.start())));
  return {
    sources,
    start: startAll,
    toolsFor(agent, graphId) {
      const patterns = patternsFor(agent, graphId);
      if (patterns.length === 0) return [];
      const tools: AnyToolSpec[] = [];
      for (const source of sources.values()) {
        if (!patterns.some((pattern) => pattern.startsWith(`${source.name}.`))) continue;
        if (source.state === "idle") void source.start();
        for (const entry of source.entries) if (patterns.some((pattern) => matchesPattern(pattern, source.name, entry.original))) tools.push(entry.spec);
      }
      return tools;
    },
    problems() {
      return Object.fromEntries([...sources.values()].filter((source) => source.problem).map((source) => [source.name, source.problem!]));
    },
    async describe() {
      // A server that never answers initialize would hold the listing for the SDK's 60 s: list it as still starting.
      const waitMs = options.describeWaitMs ?? 20_000;
      await waitAtMost(startAll(), waitMs);
      return [...sources.values()].map((source) => ({
        name: source.name,
        kind: source.kind,
        state: source.state,
        ...(source.problem ? { problem: source.problem } : source.state === "starting" ? { problem: `still starting after ${waitMs / 1000} s` } : {}),
        tools: source.entries.map(({ original, spec }) => ({ name: spec.name, original, sideEffect: spec.sideEffect, agents: agentsOf(source.name, original) })),
      }));
    },
    async close() {
      await Promise.all([...sources.values()].map((source) => source.close()));
    },
  };
}

export type { Backoff } from "./mcp-server.js";
export { loadExternalToolsConfig, parseExternalToolsConfig, type EnvLookup, type ExternalToolsConfig } from "./config.js";
