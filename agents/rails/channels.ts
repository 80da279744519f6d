/**
 * State channels shared by every agent and graph: the rails (limits, usage, rail events, when
 * the run started, how it ended) and the sub-agent contract a parent uses to call a child (task
 * in, result out); with the helpers that add to them inside a node's update.
 */
import { Annotation, messagesStateReducer, Overwrite, type Messages, type OverwriteValue } from "@langchain/langgraph";
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
  /** When the current run started (epoch ms, by the run's clock); time-based rails count from it. */
  startedAt: lastValue<number | null>(() => null),
  /** The terminal state once the run has ended; null while it runs. */
  status: lastValue<TerminalState | null>(() => null),
  /** Why the run ended in its state, in words. */
  statusReason: lastValue<string | null>(() => null),
  /** The answer (or what was found before the run stopped) once the run has ended. */
  result: lastValue<string | null>(() => null),
};

/** The messages channel, with LangGraph's id-aware reducer. */
export const messagesChannel = Annotation<BaseMessage[], Messages>({ reducer: messagesStateReducer, default: () => [] });

/** State of a specialist (ReAct) agent. */
export const AgentState = Annotation.Root({
  messages: messagesChannel,
  ...railChannels,
  /** Tool-call loop bookkeeping. */
  loops: lastValue<ToolLoopState>(() => NO_LOOPS),
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

/** A pending `usage` update: spending to add, or a run reset. */
export type UsageUpdate = Partial<Usage> | OverwriteValue<Usage>;
/** A pending `railEvents` update: events to append, or a run reset. */
export type RailEventsUpdate = RailEvent[] | OverwriteValue<RailEvent[]>;

/** `update` with rail events appended, keeping a run reset (Overwrite) intact. */
export function withEvents<U extends { railEvents?: RailEventsUpdate }>(update: U, events: readonly RailEvent[]): U {
  if (events.length === 0) return update;
  const current = update.railEvents;
  if (Overwrite.isInstance<RailEvent[]>(current)) return { ...update, railEvents: new Overwrite([...current.value, ...events]) };
  return { ...update, railEvents: [...((current as RailEvent[] | undefined) ?? []), ...events] };
}

/** `update` with spending added, keeping a run reset (Overwrite) intact. */
export function withSpending<U extends { usage?: UsageUpdate }>(update: U, spent: Partial<Usage>): U {
  const current = update.usage;
  if (Overwrite.isInstance<Usage>(current)) return { ...update, usage: new Overwrite(addUsage(current.value, spent)) };
  return { ...update, usage: current ? addUsage(current as Usage, spent) : spent };
}

/** The usage once `update` is applied to `usage`. */
export function usageAfter(usage: Usage, update: UsageUpdate | undefined): Usage {
  if (Overwrite.isInstance<Usage>(update)) return update.value;
  return update ? addUsage(usage, update as Partial<Usage>) : usage;
}

/** The rail events once `update` is applied to `events`. */
export function eventsAfter(events: readonly RailEvent[], update: RailEventsUpdate | undefined): RailEvent[] {
  if (Overwrite.isInstance<RailEvent[]>(update)) return update.value;
  return update ? [...events, ...(update as RailEvent[])] : [...events];
}
