/**
 * State channels shared by every agent and graph: the rails (limits, usage, rail events,
 * terminal state) and the sub-agent contract a parent uses to call a child (task in, result out).
 */
import { Annotation, messagesStateReducer, type Messages } from "@langchain/langgraph";
import type { BaseMessage } from "@langchain/core/messages";
import { addUsage, NO_USAGE, type RailEvent, type RunLimits, type TerminalState, type Usage } from "./budgets.js";
import { NO_LOOPS, type ToolLoopState } from "./loops.js";

const lastValue = <T>(initial: () => T) => Annotation<T>({ reducer: (_current: T, next: T) => next, default: initial });

/** The rail channels: limits handed down by the caller, what was spent, what the rails did, how it ended. */
export const railChannels = {
  /** Limits for this run (a child receives what its parent has left); null = the run's configured limits. */
  limits: lastValue<RunLimits | null>(() => null),
  /** What this graph (and its children) spent; updates are added. */
  usage: Annotation<Usage, Partial<Usage>>({ reducer: addUsage, default: () => NO_USAGE }),
  /** Rail trips, interventions, approvals and denials, oldest first; updates are appended. */
  railEvents: Annotation<RailEvent[], RailEvent[]>({ reducer: (current, next) => current.concat(next), default: () => [] }),
  /** The terminal state once the run has ended; null while it runs. */
  status: lastValue<TerminalState | null>(() => null),
  /** Why the run ended in its state, in words. */
  statusReason: lastValue<string | null>(() => null),
};

/** The messages channel, with LangGraph's id-aware reducer. */
export const messagesChannel = Annotation<BaseMessage[], Messages>({ reducer: messagesStateReducer, default: () => [] });

/** State of a specialist (ReAct) agent. */
export const AgentState = Annotation.Root({
  messages: messagesChannel,
  ...railChannels,
  /** Tool-call loop bookkeeping. */
  loops: lastValue<ToolLoopState>(() => NO_LOOPS),
  /** The agent's answer once it has finished. */
  result: lastValue<string | null>(() => null),
  /** Skills loaded for the current task (procedural memory); null until looked up. */
  skills: lastValue<string | null>(() => null),
});

/** What a caller may send an agent: the conversation (or the task brief) and optional limits. */
export const AgentInput = Annotation.Root({
  messages: messagesChannel,
  limits: railChannels.limits,
});

/** A specialist agent's state. */
export type AgentStateType = typeof AgentState.State;
/** An update a specialist's node returns. */
export type AgentUpdate = typeof AgentState.Update;

/** What every sub-agent (agent or team) returns to the graph that called it. */
export interface SubagentOutput {
  result: string | null;
  status: TerminalState | null;
  statusReason: string | null;
  usage: Usage;
  railEvents: RailEvent[];
}
