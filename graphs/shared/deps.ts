/**
 * What a graph runs on: models, tools and their executor, context management and long-term
 * memory. The CLI, the server and workers pass what the composition root (graphs/services.ts)
 * opened. Every field has a default, so `createXBuilder()` with no arguments gives the graph
 * `langgraph dev` runs: assembled by the root's own functions (graph-services.ts), without
 * Redis, from the environment read lazily, when a run first needs it.
 */
import { compactContext } from "../../memory/index.js";
import { getEnv } from "../../lib/env.js";
import {
  type ContextManager,
  type ModelProvider,
  type RunLimits,
  type SkillSource,
  type SpecialistDeps,
  type ToolExecutor,
  type ToolSource,
  type Subagent,
} from "../../agents/index.js";
import type { EpisodicMemoryHooks, KnowledgeRetriever } from "../../lib/contracts/memory.js";
import { assembleGraphServices, executorFor, limitsFor, type AssembledGraphServices } from "./graph-services.js";

/** Services a graph runs on; all optional. */
export interface GraphDeps {
  /** Chat model per agent name (default: ChatOpenAI from the environment, else the offline demo). */
  models?: ModelProvider;
  /** Tools on offer (default: the tools layer's catalog built from the environment). */
  tools?: ToolSource;
  /** Knowledge for search_knowledge in the default catalog (memory's retriever). */
  knowledge?: KnowledgeRetriever;
  /** Tool executor (default: the tools layer's guardrailed executor with the catalog's operator settings). */
  executor?: ToolExecutor;
  /** Context-window management (default: memory's compactContext). */
  contextManager?: ContextManager;
  /** Episodic memory seams (default: none). */
  memory?: EpisodicMemoryHooks;
  /** Procedural memory: skills for an agent's task (default: none). */
  skills?: SkillSource;
  /** Limits of runs that set none (default: DEFAULT_LIMITS, tool calls from TOOL_CALL_BUDGET). */
  defaultLimits?: () => RunLimits;
  /** Replace the shipped specialists entirely (tests, custom teams). */
  subagents?: readonly Subagent[];
}

/** GraphDeps with defaults filled in. */
export interface ResolvedGraphDeps extends SpecialistDeps {
  models: ModelProvider;
  tools: ToolSource;
  executor: ToolExecutor;
  memory: EpisodicMemoryHooks;
  subagents: readonly Subagent[] | undefined;
  defaultLimits: () => RunLimits;
}

/** Fills in the defaults of `deps` for graph `graphId`. */
export function resolveGraphDeps(graphId: string, deps: GraphDeps = {}): ResolvedGraphDeps {
  let assembled: AssembledGraphServices | undefined;
  const defaults = () => (assembled ??= assembleGraphServices(getEnv(), { knowledge: deps.knowledge }));
  const tools: ToolSource = deps.tools ?? (() => defaults().tools);
  return {
    models: deps.models ?? ((agent) => defaults().models(agent)),
    tools,
    executor: deps.executor ?? executorFor(tools),
    contextManager: deps.contextManager ?? compactContext,
    memory: deps.memory ?? {},
    subagents: deps.subagents,
    ...(deps.skills ? { skills: deps.skills } : {}),
    defaultLimits: deps.defaultLimits ?? limitsFor(tools),
    graphId,
  };
}
