/**
 * State of the planner graph: the goal, the plan (sub-tasks with dependencies), the results
 * of the sub-tasks done so far, and the rails.
 */
import { Annotation } from "@langchain/langgraph";
import { messagesChannel, railChannels, type RunLimits } from "../../agents/index.js";
import type { WorkRecord } from "../shared/run.js";

const lastValue = <T>(initial: () => T) => Annotation<T>({ reducer: (_current: T, next: T) => next, default: initial });

/** One sub-task of a plan. */
export interface PlannedTask {
  id: string;
  agent: string;
  task: string;
  dependsOn: string[];
}

/** A finished sub-task. */
export interface TaskResult extends WorkRecord {
  id: string;
}

/** What `run_task` receives through `Send`: one sub-task, what it builds on, its share of the budgets. */
export interface TaskAssignment {
  planned: PlannedTask;
  inputs: { id: string; agent: string; result: string }[];
  limits: RunLimits;
}

/** The planner's full state. */
export const PlannerState = Annotation.Root({
  messages: messagesChannel,
  ...railChannels,
  goal: lastValue<string>(() => ""),
  recalled: lastValue<string[]>(() => []),
  plan: lastValue<PlannedTask[]>(() => []),
  /** Results of finished sub-tasks; parallel tasks append in the same step. */
  results: Annotation<TaskResult[], TaskResult[]>({ reducer: (current, next) => current.concat(next), default: () => [] }),
});

/** What callers send. */
export const PlannerInput = Annotation.Root({
  messages: messagesChannel,
  limits: railChannels.limits,
});

/** The planner's state. */
export type PlannerStateType = typeof PlannerState.State;
/** An update a planner node returns. */
export type PlannerUpdate = typeof PlannerState.Update;
