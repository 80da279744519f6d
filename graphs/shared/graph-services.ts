/**
 * The one assembly of what the project's graphs run on: the tool catalog (on the process's Redis,
 * so TOOL_RATE_LIMITS buckets are shared by every process), the executor and default limits that
 * go with a tool source, and the model provider. The composition root (graphs/services.ts) calls
 * it with opened services; graphs built without services (`langgraph dev` importing graph.ts)
 * get their defaults from the same functions, on first use. No I/O here.
 */
import { readEnvReference, type Env } from "../../lib/env.js";
import type { Logger } from "../../lib/logger.js";
import type { RedisConnection } from "../../lib/redis.js";
import type { KnowledgeRetriever } from "../../lib/contracts/memory.js";
import { createToolCatalog, loadExternalToolsConfig, type AnyToolSpec, type ToolCatalog } from "../../tools/index.js";
import {
  createModelProvider,
  createToolExecutor,
  DEFAULT_LIMITS,
  resolveToolSource,
  type ModelProvider,
  type RunLimits,
  type ToolExecutor,
  type ToolSource,
} from "../../agents/index.js";

/** The opened services the graphs' tools are built on; each is optional (no Redis: per-process buckets). */
export interface GraphServiceInputs {
  /** The process's Redis connection: rate-limit buckets live there. */
  redis?: RedisConnection;
  /** Long-term knowledge (memory's retriever); without it search_knowledge is not offered. */
  knowledge?: KnowledgeRetriever;
  logger?: Logger;
}

/** The tool catalog and the model provider of the project's graphs. */
export interface AssembledGraphServices {
  tools: ToolCatalog;
  models: ModelProvider;
}

/**
 * Builds the catalog (with the external tool sources of `SWITCHBOARD_MCP_CONFIG`, not started yet)
 * and the model provider from the environment and the opened services.
 */
export function assembleGraphServices(env: Env, inputs: GraphServiceInputs = {}): AssembledGraphServices {
  const external = loadExternalToolsConfig(env.SWITCHBOARD_MCP_CONFIG);
  return {
    tools: createToolCatalog({
      env,
      redis: inputs.redis,
      knowledge: inputs.knowledge,
      logger: inputs.logger,
      ...(external ? { externalTools: { config: external, lookup: (name: string) => readEnvReference(name) } } : {}),
    }),
    models: createModelProvider({ env }),
  };
}

/** The executor of a tool source: a catalog's operator settings (policies, rate limits), none for a plain map of tools. */
export function executorFor(tools: ToolSource): ToolExecutor {
  return createToolExecutor(() => catalogOf(tools)?.executorDeps ?? {});
}

/** Limits of runs that set none: DEFAULT_LIMITS, with a catalog's tool-call budget (TOOL_CALL_BUDGET). */
export function limitsFor(tools: ToolSource): () => RunLimits {
  return () => {
    const budget = catalogOf(tools)?.toolCallBudget;
    return budget === undefined ? DEFAULT_LIMITS : { ...DEFAULT_LIMITS, maxToolCalls: budget };
  };
}

/** The field names a tool source's tools mark as secret (`secretFields`), for tracing's anonymizer. */
export function secretFieldsOf(tools: ToolSource): string[] {
  const source = resolveToolSource(tools);
  const specs: readonly AnyToolSpec[] = isCatalog(source) ? source.tools : Object.values(source);
  return [...new Set(specs.flatMap((tool) => tool.secretFields ?? []))];
}

function catalogOf(tools: ToolSource): ToolCatalog | undefined {
  const source = resolveToolSource(tools);
  return isCatalog(source) ? source : undefined;
}

function isCatalog(source: unknown): source is ToolCatalog {
  return typeof source === "object" && source !== null && typeof (source as ToolCatalog).select === "function";
}
