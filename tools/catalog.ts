/**
 * The tool catalog: builds the tool set of a process from the environment and injected services
 * (Redis for shared rate limits, the knowledge retriever from memory/), plus the executor's
 * operator settings. The tools come from the one list in builtin/index.ts; those whose service
 * is missing are not offered, and `unavailable` says why.
 */
import type { Env } from "../lib/env.js";
import { ConfigError } from "../lib/errors.js";
import type { Logger } from "../lib/logger.js";
import type { RedisConnection } from "../lib/redis.js";
import { BUILTIN_TOOLS, TOOL_NAMES, type BuiltinToolEnv, type ToolName } from "./builtin/index.js";
import type { ToolExecutorDeps } from "./execution/executor.js";
import { parseAllowlist, type NetPolicy, type Resolver } from "./net/net-guard.js";
import { createMemoryRateLimiter, createRedisRateLimiter } from "./execution/rate-limit.js";
import type { KnowledgeRetriever } from "../lib/contracts/memory.js";
import type { AnyToolSpec } from "./types.js";
import { createExternalToolSources, type Backoff, type EnvLookup, type ExternalToolsConfig, type ExternalToolSources } from "./external/index.js";

/** The environment variables the catalog reads (the builtin tools' and the executor's). */
export type ToolEnv = BuiltinToolEnv & Pick<Env, "TOOL_NET_ALLOWLIST" | "TOOL_POLICIES" | "TOOL_RATE_LIMITS" | "TOOL_CALL_BUDGET" | "REDIS_KEY_PREFIX">;

/** Inputs of `createToolCatalog`. */
export interface ToolCatalogOptions {
  env: ToolEnv;
  /** Long-term knowledge (from memory/); without it search_knowledge is not offered. */
  knowledge?: KnowledgeRetriever;
  /** When given, rate-limit buckets live in Redis and hold across processes. */
  redis?: RedisConnection;
  logger?: Logger;
  /** DNS resolver for http_fetch / send_webhook (tests). */
  resolve?: Resolver;
  /** Tavily endpoint override (tests, proxies). */
  tavilyBaseUrl?: string;
  /** MCP servers and OpenAPI services (the `SWITCHBOARD_MCP_CONFIG` file) and how to read its `${VAR}` references. */
  externalTools?: { config: ExternalToolsConfig; lookup: EnvLookup; backoff?: Backoff };
}

/** The tools of a process and the executor settings that go with them. */
export interface ToolCatalog {
  /** Every offered tool. */
  readonly tools: readonly AnyToolSpec[];
  /** The offered tools by name. */
  readonly byName: ReadonlyMap<string, AnyToolSpec>;
  /** Tools not offered, with the reason (e.g. `web_search`: `TAVILY_API_KEY is not set`). */
  readonly unavailable: Readonly<Partial<Record<ToolName, string>>>;
  /**
   * The offered tools among `names` (in that order), then the external tools the config gives
   * `agent` or its graph `graphId`; unknown names are a ConfigError, unavailable ones are skipped.
   */
  select(names: readonly string[], agent?: string, graphId?: string): AnyToolSpec[];
  /** The external tool sources (MCP servers, OpenAPI services), when a config names any. */
  readonly external?: ExternalToolSources;
  /** Pass to `executeToolCalls` as `deps`. */
  readonly executorDeps: ToolExecutorDeps;
  /** Default tool-call budget of a run (`TOOL_CALL_BUDGET`). */
  readonly toolCallBudget: number;
}

/** Builds the catalog; does no I/O itself. */
export function createToolCatalog(options: ToolCatalogOptions): ToolCatalog {
  const { env } = options;
  const policy: NetPolicy = { allowlist: parseAllowlist(env.TOOL_NET_ALLOWLIST), ...(options.resolve ? { resolve: options.resolve } : {}) };
  const services = {
    env,
    policy,
    ...(options.knowledge ? { knowledge: options.knowledge } : {}),
    ...(options.tavilyBaseUrl ? { tavilyBaseUrl: options.tavilyBaseUrl } : {}),
  };
  const unavailable: Partial<Record<ToolName, string>> = {};
  const tools: AnyToolSpec[] = [];
  for (const builtin of BUILTIN_TOOLS) {
    const built = builtin.create(services);
    if ("unavailable" in built) unavailable[builtin.name] = built.unavailable;
    else tools.push(built);
  }

  for (const name of Object.keys(env.TOOL_RATE_LIMITS)) {
    // External tools (`source__tool`) are known only once their source runs.
    if (!(TOOL_NAMES as readonly string[]).includes(name) && !name.includes("__")) {
      throw new ConfigError(`TOOL_RATE_LIMITS names an unknown tool '${name}'; known tools: ${TOOL_NAMES.join(", ")}.`, { setting: "TOOL_RATE_LIMITS" });
    }
  }
  const rateLimiter = options.redis
    ? createRedisRateLimiter(options.redis, { keyPrefix: env.REDIS_KEY_PREFIX, ...(options.logger ? { logger: options.logger } : {}) })
    : createMemoryRateLimiter();
  const byName = new Map(tools.map((tool) => [tool.name, tool]));
  const external = options.externalTools
    ? createExternalToolSources({ ...options.externalTools, policy, ...(options.logger ? { logger: options.logger } : {}) })
    : undefined;

  return {
    tools,
    byName,
    unavailable,
    select(names, agent, graphId) {
      const builtin = names.flatMap((name) => {
        if (!(TOOL_NAMES as readonly string[]).includes(name) && !byName.has(name)) {
          throw new ConfigError(`Unknown tool '${name}'; known tools: ${TOOL_NAMES.join(", ")}.`);
        }
        const tool = byName.get(name);
        return tool ? [tool] : [];
      });
      const extra = agent && external ? external.toolsFor(agent, graphId) : [];
      return extra.length > 0 ? [...builtin, ...extra.filter((tool) => !byName.has(tool.name))] : builtin;
    },
    ...(external ? { external } : {}),
    executorDeps: {
      policies: env.TOOL_POLICIES,
      rateLimits: env.TOOL_RATE_LIMITS,
      rateLimiter,
      ...(options.logger ? { logger: options.logger } : {}),
    },
    toolCallBudget: env.TOOL_CALL_BUDGET,
  };
}
