/**
 * What a graph runs on: models, tools, the tool executor, context management and long-term
 * memory. Every field has a default, so `createXBuilder()` with no arguments gives the graph
 * the CLI and `langgraph dev` run (environment read lazily, on first use).
 */
import { compactContext } from "../../memory/context.js";
import {
  createModelProvider,
  type ContextManager,
  type ModelProvider,
  type SpecialistDeps,
  type ToolCatalog,
  type ToolExecutor,
  type Worker,
} from "../../agents/index.js";
import type { EpisodicMemory } from "./memory-seams.js";
import { defaultToolCatalog } from "./tool-catalog.js";

/** Services a graph runs on; all optional. */
export interface GraphDeps {
  /** Chat model per agent name (default: ChatOpenAI from the environment, else the offline demo). */
  models?: ModelProvider;
  /** Tools on offer (default: the tools layer's catalog from the environment). */
  tools?: ToolCatalog;
  /** Tool executor (default: the tools layer's guardrailed executor). */
  executor?: ToolExecutor;
  /** Context-window management (default: memory's compactContext). */
  contextManager?: ContextManager;
  /** Episodic memory seams (default: none). */
  memory?: EpisodicMemory;
  /** Replace the shipped specialists entirely (tests, custom teams). */
  workers?: readonly Worker[];
}

/** GraphDeps with defaults filled in. */
export interface ResolvedGraphDeps extends SpecialistDeps {
  models: ModelProvider;
  tools: ToolCatalog;
  memory: EpisodicMemory;
  workers: readonly Worker[] | undefined;
}

/** Fills in the defaults of `deps` for graph `graphId`. */
export function resolveGraphDeps(graphId: string, deps: GraphDeps = {}): ResolvedGraphDeps {
  return {
    models: deps.models ?? createModelProvider(),
    tools: deps.tools ?? defaultToolCatalog,
    ...(deps.executor ? { executor: deps.executor } : {}),
    contextManager: deps.contextManager ?? compactContext,
    memory: deps.memory ?? {},
    workers: deps.workers,
    graphId,
  };
}
