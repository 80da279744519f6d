/**
 * Agent as a service: one ReAct agent with every tool, behind the same rails as the teams.
 * A thread is a conversation; each new user message starts a new run with fresh budgets.
 *
 *   START → model ⇄ tools → END
 */
import { createSpecialistBuilder, pickTools } from "../../agents/index.js";
import { TOOL_NAMES } from "../../tools/index.js";
import { resolveGraphDeps, type GraphDeps } from "../shared/deps.js";
import { defaultGraphServices } from "../shared/long-term.js";
import type { AgentGraphOptions } from "./config.js";
import { ASSISTANT_PROMPT } from "./prompts.js";

/** The graph id. */
export const GRAPH_ID = "agent";

/** The uncompiled agent graph. */
export function createAgentBuilder(deps: GraphDeps = {}, options: AgentGraphOptions = {}) {
  const resolved = resolveGraphDeps(GRAPH_ID, deps);
  return createSpecialistBuilder(
    {
      name: "assistant",
      description: "A general assistant with every tool.",
      prompt: options.prompt ?? ASSISTANT_PROMPT,
      tools: () => pickTools("assistant", resolved.tools, options.tools ?? TOOL_NAMES, GRAPH_ID),
      maxIterations: options.maxIterations ?? 10,
      ...(options.context ? { context: options.context } : {}),
    },
    resolved,
  );
}

/** The uncompiled graph with default services (long-term memory opened from the environment on first use). */
export const builder = createAgentBuilder(defaultGraphServices());

/** The compiled graph, for `langgraph dev` and LangGraph Studio. */
export const graph = builder.compile({ name: GRAPH_ID });
