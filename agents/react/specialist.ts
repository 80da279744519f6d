/**
 * `createSpecialist`: a ReAct agent (model ⇄ tools) compiled as a subgraph, with its own prompt,
 * tools, model, iteration limit and context window, running inside the rails. The factory
 * checks its definition before anything runs and says how to fix a mistake.
 */
import { END, START, StateGraph } from "@langchain/langgraph";
import type { AIMessage } from "@langchain/core/messages";
import { ConfigError } from "../../lib/errors.js";
import type { ModelProvider } from "../models.js";
import { createModelNode } from "./model-node.js";
import { createToolsNode } from "./tools-node.js";
import type { ContextManager, ContextSettings, ResolvedSpecialist, SkillSource } from "./spec.js";
import { AgentInput, AgentState, type AgentStateType } from "../rails/channels.js";
import { createToolExecutor, type AnyToolSpec, type ToolExecutor } from "./tool-contract.js";
import type { RunLimits } from "../rails/budgets.js";
import type { Subagent } from "../subagent.js";

/** What makes a specialist. */
export interface SpecialistDefinition {
  /** snake_case name; supervisors route to it and traces show it. */
  name: string;
  /** One line for the supervisor: what this specialist is good for. */
  description: string;
  /** The system prompt. */
  prompt: string;
  /** The tools it may call; a function is called on first use (so building a graph reads no environment). */
  tools: readonly AnyToolSpec[] | (() => readonly AnyToolSpec[]);
  /** Most model calls per task (its own iteration limit). */
  maxIterations: number;
  /** Context window for its messages, in tokens (default 24,000), and how to compact it. */
  context?: Partial<ContextSettings>;
}

/** Services a specialist runs on. */
export interface SpecialistDeps {
  /** Chat model per agent name (the per-agent override lives in the provider). */
  models: ModelProvider;
  /** Runs tool calls through guardrail, budget and rate limits (default: the tools layer's executor). */
  executor?: ToolExecutor;
  /** Graph id for guardrail policies when the run's configurable has none. */
  graphId?: string;
  /** Keeps messages inside the context window (memory's `compactContext`; graphs inject it). */
  contextManager?: ContextManager;
  /** Limits of a run that sets none in its configurable (default: DEFAULT_LIMITS). */
  defaultLimits?: () => RunLimits;
  /** Procedural memory: skills relevant to a task, as a prompt section ("" when none fit). */
  skills?: SkillSource;
}

/** The default context window of a specialist, in tokens. */
export const DEFAULT_CONTEXT_TOKENS = 24_000;

const SNAKE_CASE = /^[a-z][a-z0-9_]{0,63}$/;

/** Checks a definition; throws a ConfigError that says what to change. */
export function validateSpecialist(definition: SpecialistDefinition): void {
  const { name } = definition;
  if (!SNAKE_CASE.test(name)) throw new ConfigError(`Agent name '${name}' must be snake_case (a-z, 0-9, _; starting with a letter): it becomes a route and a tool name.`);
  if (!definition.description?.trim()) throw new ConfigError(`Agent '${name}' needs a description: one line telling the supervisor what it is good for.`);
  if (!definition.prompt?.trim()) throw new ConfigError(`Agent '${name}' needs a system prompt.`);
  if (!Number.isInteger(definition.maxIterations) || definition.maxIterations < 1) {
    throw new ConfigError(`Agent '${name}': maxIterations must be a whole number of at least 1, got ${definition.maxIterations}.`);
  }
  if (typeof definition.tools !== "function") validateTools(name, definition.tools);
  const context = { maxTokens: DEFAULT_CONTEXT_TOKENS, ...definition.context };
  if (!Number.isInteger(context.maxTokens) || context.maxTokens < 256) {
    throw new ConfigError(`Agent '${name}': context.maxTokens must be a whole number of at least 256, got ${context.maxTokens}.`);
  }
  if (context.keepRecentTokens !== undefined && !(context.keepRecentTokens > 0 && context.keepRecentTokens < context.maxTokens)) {
    throw new ConfigError(`Agent '${name}': context.keepRecentTokens must be positive and below context.maxTokens (${context.maxTokens}).`);
  }
}

/** Checks a tool set: specs only, each name once. */
export function validateTools(agent: string, tools: readonly AnyToolSpec[]): readonly AnyToolSpec[] {
  if (!Array.isArray(tools)) throw new ConfigError(`Agent '${agent}': tools must be a list of tool specs.`);
  const seen = new Set<string>();
  for (const tool of tools) {
    if (!tool || typeof tool.name !== "string" || typeof tool.run !== "function") {
      throw new ConfigError(`Agent '${agent}' was given something that is not a tool spec; pass specs from tools/.`);
    }
    if (seen.has(tool.name)) throw new ConfigError(`Agent '${agent}' lists tool '${tool.name}' twice; remove one.`);
    seen.add(tool.name);
  }
  return tools;
}

/** The routing after the model: tools when it called some, again after a nudge, else done. */
export function routeAfterModel(state: AgentStateType): "tools" | "model" | typeof END {
  if (state.status !== null) return END;
  const last = state.messages.at(-1);
  if (last?.getType() === "ai" && (((last as AIMessage).tool_calls?.length ?? 0) > 0 || ((last as AIMessage).invalid_tool_calls?.length ?? 0) > 0)) return "tools";
  if (last?.getType() === "human") return "model";
  return END;
}

/** The routing after tools: back to the model unless a rail ended the run. */
export function routeAfterTools(state: AgentStateType): "model" | typeof END {
  return state.status !== null ? END : "model";
}

/** The uncompiled graph of a specialist. */
export function createSpecialistBuilder(definition: SpecialistDefinition, deps: SpecialistDeps) {
  validateSpecialist(definition);
  if (typeof deps?.models !== "function") throw new ConfigError(`Agent '${definition.name}' needs a model provider (deps.models).`);
  const { tools } = definition;
  let resolved: readonly AnyToolSpec[] | undefined = typeof tools === "function" ? undefined : tools;
  const spec: ResolvedSpecialist = {
    ...definition,
    tools: () => (resolved ??= validateTools(definition.name, (tools as () => readonly AnyToolSpec[])())),
    context: { maxTokens: DEFAULT_CONTEXT_TOKENS, ...definition.context },
    models: deps.models,
    executor: deps.executor ?? createToolExecutor(),
    defaultLimits: deps.defaultLimits,
    graphId: deps.graphId ?? definition.name,
    contextManager: deps.contextManager,
    skills: deps.skills,
  };
  return new StateGraph({ stateSchema: AgentState, input: AgentInput })
    .addNode("model", createModelNode(spec))
    .addNode("tools", createToolsNode(spec))
    .addEdge(START, "model")
    .addConditionalEdges("model", routeAfterModel, ["tools", "model", END])
    .addConditionalEdges("tools", routeAfterTools, ["model", END]);
}

/** A specialist's compiled graph. */
export type SpecialistGraph = ReturnType<ReturnType<typeof createSpecialistBuilder>["compile"]>;

/** Builds a specialist as a sub-agent: its compiled subgraph, named after it. */
export function createSpecialist(definition: SpecialistDefinition, deps: SpecialistDeps): Subagent<SpecialistGraph> {
  const graph = createSpecialistBuilder(definition, deps).compile({ name: definition.name });
  return { name: definition.name, description: definition.description, graph };
}
