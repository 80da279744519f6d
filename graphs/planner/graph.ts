/**
 * Plan and execute: the planner splits the goal into sub-tasks with dependencies, runs every
 * ready sub-task in parallel (`Send`), wave after wave, and aggregates the results.
 *
 *   START → planner → schedule ⇉ run_task × n → schedule … → aggregate → END
 *
 * Parallel sub-tasks split what is left of the budgets evenly, so together they stay inside;
 * they share the run's deadline.
 */
import { END, START, StateGraph, type LangGraphRunnableConfig } from "@langchain/langgraph";
import { ConfigError } from "../../lib/errors.js";
import { createSpecialists, type Subagent } from "../../agents/index.js";
import { resolveGraphDeps, type GraphDeps } from "../shared/deps.js";
import { defaultGraphServices } from "../shared/long-term.js";
import { DEFAULT_MAX_TASKS, type PlannerOptions } from "./config.js";
import { createAggregateNode, createPlannerNode, createRunTaskNode, createScheduleNode, plannerRails, type PlannerContext } from "./nodes.js";
import { routeReadyTasks } from "./routes.js";
import { PlannerInput, PlannerState, type PlannerStateType } from "./state.js";

/** The graph id. */
export const GRAPH_ID = "planner";

/** The uncompiled planner graph over `deps.subagents` (default: researcher, analyst, writer). */
export function createPlannerBuilder(deps: GraphDeps = {}, options: PlannerOptions = {}) {
  const resolved = resolveGraphDeps(GRAPH_ID, deps);
  // No operator by default: parallel sub-tasks should not fire side effects on their own.
  const subagents: readonly Subagent[] = resolved.subagents ?? createSpecialists(resolved, ["researcher", "analyst", "writer"]);
  const maxTasks = options.maxTasks ?? DEFAULT_MAX_TASKS;
  if (subagents.length === 0) throw new ConfigError("The planner needs at least one sub-agent.");
  if (!Number.isInteger(maxTasks) || maxTasks < 1) throw new ConfigError(`Planner maxTasks must be a whole number of at least 1, got ${maxTasks}.`);
  const byName = new Map(subagents.map((subagent) => [subagent.name, subagent]));
  if (byName.size !== subagents.length) throw new ConfigError("Planner sub-agents must have unique names.");
  const ctx: PlannerContext = { name: GRAPH_ID, subagents: byName, maxTasks, deps: resolved };
  const route = (state: PlannerStateType, config: LangGraphRunnableConfig) => routeReadyTasks(state, (parts) => plannerRails(ctx, state, config).handDown(parts));
  return new StateGraph({ stateSchema: PlannerState, input: PlannerInput })
    .addNode("planner", createPlannerNode(ctx))
    .addNode("schedule", createScheduleNode(ctx))
    .addNode("run_task", createRunTaskNode(ctx) as never, { subgraphs: subagents.map((subagent) => subagent.graph) as never })
    .addNode("aggregate", createAggregateNode(ctx))
    .addEdge(START, "planner")
    .addEdge("planner", "schedule")
    .addConditionalEdges("schedule", route, ["run_task", "aggregate", END])
    .addEdge("run_task", "schedule")
    .addEdge("aggregate", END);
}

/** The uncompiled graph with default services (long-term memory opened from the environment on first use). */
export const builder = createPlannerBuilder(defaultGraphServices());

/** The compiled graph, for `langgraph dev` and LangGraph Studio. */
export const graph = builder.compile({ name: GRAPH_ID });
