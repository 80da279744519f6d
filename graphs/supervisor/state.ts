/**
 * State of a supervisor graph: the conversation, the rails, the current goal, the work log of
 * delegated tasks, and the routing decision.
 */
import { Annotation } from "@langchain/langgraph";
import { messagesChannel, railChannels } from "../../agents/index.js";
import type { WorkRecord } from "../shared/run.js";

const lastValue = <T>(initial: () => T) => Annotation<T>({ reducer: (_current: T, next: T) => next, default: initial });

/** The supervisor's full state. */
export const SupervisorState = Annotation.Root({
  /** The conversation: goals from the user, each specialist's result (named), final answers. */
  messages: messagesChannel,
  ...railChannels,
  /** The goal of the current run (the latest human message). */
  goal: lastValue<string>(() => ""),
  /** Past episodes recalled for this run (long-term memory), shown to the supervisor. */
  recalled: lastValue<string[]>(() => []),
  /** Delegated work of this run, oldest first; updates are appended. */
  work: Annotation<WorkRecord[], WorkRecord[]>({ reducer: (current, next) => current.concat(next), default: () => [] }),
  /** The specialist chosen to work next, and its brief. */
  next: lastValue<string | null>(() => null),
  brief: lastValue<string | null>(() => null),
  /** Consecutive steps without progress (repeated requests or results); drives loop handling. */
  stalls: lastValue<number>(() => 0),
  /** A corrective note for the next decision. */
  note: lastValue<string | null>(() => null),
});

/** What callers send: the conversation (a new goal as the last human message) and optional limits. */
export const SupervisorInput = Annotation.Root({
  messages: messagesChannel,
  limits: railChannels.limits,
});

/** The supervisor's state. */
export type SupervisorStateType = typeof SupervisorState.State;
/** An update a supervisor node returns. */
export type SupervisorUpdate = typeof SupervisorState.Update;

/** State keys: no node may be named like one. */
export const SUPERVISOR_STATE_KEYS = Object.keys(SupervisorState.spec);
