/**
 * The worker contract: anything a supervisor can hand a task to (a specialist agent, or a
 * whole team graph) is a compiled graph that takes a task brief and limits and returns a
 * result, a terminal state, its usage and its rail events.
 */
import { HumanMessage } from "@langchain/core/messages";
import type { LangGraphRunnableConfig } from "@langchain/langgraph";
import { NO_USAGE, type RunLimits } from "./rails/budgets.js";
import type { WorkerOutput } from "./rails/channels.js";

/** A compiled graph that honours the worker contract (input: messages + limits). */
export interface WorkerGraph {
  name?: string;
  invoke(input: { messages: HumanMessage[]; limits: RunLimits }, config?: LangGraphRunnableConfig): Promise<unknown>;
}

/** A named, described unit of work a supervisor can route to. */
export interface Worker<Graph extends WorkerGraph = WorkerGraph> {
  /** snake_case; the supervisor routes by it. */
  readonly name: string;
  /** One line the supervisor reads to decide who does what. */
  readonly description: string;
  /** The compiled graph (a subgraph of the caller). */
  readonly graph: Graph;
}

/** Runs a worker on a task brief inside the caller's node, with the limits the caller can spare. */
export async function runWorker(worker: Worker, brief: string, limits: RunLimits, config: LangGraphRunnableConfig): Promise<WorkerOutput> {
  const output = (await worker.graph.invoke({ messages: [new HumanMessage(brief)], limits }, config)) as Partial<WorkerOutput>;
  return {
    result: output.result ?? null,
    status: output.status ?? null,
    statusReason: output.statusReason ?? null,
    usage: output.usage ?? NO_USAGE,
    railEvents: output.railEvents ?? [],
  };
}
