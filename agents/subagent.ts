/**
 * The sub-agent contract: anything a supervisor can hand a task to (a specialist agent, or a
 * whole team graph) is a compiled graph that takes a task brief and limits and returns a
 * result, a terminal state, its usage and its rail events.
 */
import { HumanMessage } from "@langchain/core/messages";
import { isGraphBubbleUp, type LangGraphRunnableConfig } from "@langchain/langgraph";
import { NO_USAGE, railEvent, type RunLimits } from "./rails/budgets.js";
import type { SubagentOutput } from "./rails/channels.js";

/** A compiled graph that honours the sub-agent contract (input: messages + limits). */
export interface SubagentGraph {
  name?: string;
  invoke(input: { messages: HumanMessage[]; limits: RunLimits }, config?: LangGraphRunnableConfig): Promise<unknown>;
}

/** A named, described unit of work a supervisor can route to. */
export interface Subagent<Graph extends SubagentGraph = SubagentGraph> {
  /** snake_case; the supervisor routes by it. */
  readonly name: string;
  /** One line the supervisor reads to decide who does what. */
  readonly description: string;
  /** The compiled graph (a subgraph of the caller). */
  readonly graph: Graph;
}

/**
 * Runs a sub-agent on a task brief inside the caller's node, with the limits the caller can
 * spare. A sub-agent that throws has `failed` (a `subagent_error` rail event says why); only
 * LangGraph's control flow (an interrupt) passes through.
 */
export async function runSubagent(subagent: Subagent, brief: string, limits: RunLimits, config: LangGraphRunnableConfig): Promise<SubagentOutput> {
  let output: Partial<SubagentOutput>;
  try {
    output = (await subagent.graph.invoke({ messages: [new HumanMessage(brief)], limits }, config)) as Partial<SubagentOutput>;
  } catch (error) {
    if (isGraphBubbleUp(error)) throw error;
    const reason = `${subagent.name} failed: ${(error as Error).message}`;
    return { result: null, status: "failed", statusReason: reason, usage: NO_USAGE, railEvents: [railEvent("subagent_error", subagent.name, reason)] };
  }
  return {
    result: output.result ?? null,
    status: output.status ?? null,
    statusReason: output.statusReason ?? null,
    usage: output.usage ?? NO_USAGE,
    railEvents: output.railEvents ?? [],
  };
}
