/**
 * The planner's nodes: `planner` writes the plan, `schedule` checks the rails between waves of
 * sub-tasks, `run_task` runs one sub-task on its specialist (many run in parallel), and
 * `aggregate` writes the final answer from the results.
 */
import { AIMessage, HumanMessage, SystemMessage } from "@langchain/core/messages";
import { isGraphBubbleUp, Overwrite, type LangGraphRunnableConfig } from "@langchain/langgraph";
import {
  emitProgress,
  emitRailEvents,
  railEvent,
  railsOf,
  runSubagent,
  startRun,
  usageOfResponse,
  withSpending,
  type RailOptions,
  type Rails,
  type RunEnding,
  type Subagent,
} from "../../agents/index.js";
import { messageText } from "../../lib/tokens.js";
import type { ResolvedGraphDeps } from "../shared/deps.js";
import { decideStructured } from "../shared/decide.js";
import { completionState, endWithAnswer, isNewRun, partialAnswer, pendingGoal, recallEpisodes, stopAnswer, workRecord } from "../shared/run.js";
import { AGGREGATE_PROMPT, aggregateRequest, plannerPrompt, planRequest, taskBrief } from "./prompts.js";
import { planSchema, repairPlan } from "./routes.js";
import type { PlannerStateType, PlannerUpdate, TaskAssignment } from "./state.js";

/** What the planner's nodes need. */
export interface PlannerContext {
  name: string;
  subagents: ReadonlyMap<string, Subagent>;
  maxTasks: number;
  deps: ResolvedGraphDeps;
}

/** The rails of a planner step: the planner's name and the graph's default limits. */
export function plannerRails(ctx: PlannerContext, state: PlannerStateType, config: LangGraphRunnableConfig): Rails {
  const options: RailOptions = { agent: ctx.name, defaultLimits: ctx.deps.defaultLimits() };
  return railsOf(state, config, options);
}

/** Builds the `planner` node. */
export function createPlannerNode(ctx: PlannerContext) {
  const subagents = [...ctx.subagents.values()];
  const schema = planSchema([...ctx.subagents.keys()], ctx.maxTasks);
  const system = new SystemMessage(plannerPrompt(subagents, ctx.maxTasks));
  return async function planner(state: PlannerStateType, config: LangGraphRunnableConfig): Promise<PlannerUpdate> {
    if (!isNewRun(state)) return {};
    const goal = pendingGoal(state.messages)!;
    const { recalled, events } = await recallEpisodes(ctx.deps.memory, ctx.name, goal, config);
    const start = startRun(state, config, { newRun: true });
    let update: PlannerUpdate = { ...start.update, goal, recalled, plan: [], results: new Overwrite([]) };
    const view = { ...start.view, goal, results: [] };
    const rails = plannerRails(ctx, view, config);
    const stop = rails.check();
    if (stop) {
      const result = stop.status === "cancelled" ? "Cancelled before planning." : stopAnswer(stop, []);
      return endRun(ctx, rails, update, { ...stop, result, events: [...events, ...stop.events] }, view, config);
    }
    const outcome = await decideStructured(ctx.deps.models(ctx.name), schema, "plan", [system, new HumanMessage(planRequest(goal, recalled))], config, (error) => `Your plan could not be used (${error}). Call plan again with a valid plan.`);
    const all = [...events, ...outcome.events.map((detail) => railEvent("model_misbehaved", ctx.name, detail))];
    update = withSpending(update, outcome.usage);
    if (!outcome.ok) {
      const reason = `${ctx.name} could not plan: ${outcome.error}`;
      return endRun(ctx, rails, update, { status: "failed", reason, result: `Stopped before finishing: no usable plan (${outcome.error}).`, events: [...all, railEvent("model_error", ctx.name, outcome.error)] }, view, config);
    }
    const { tasks, repairs } = repairPlan(outcome.value.tasks);
    if (repairs.length > 0) all.push(railEvent("plan_repaired", ctx.name, repairs.join("; ")));
    emitRailEvents(config, all);
    emitProgress(config, { type: "plan", agent: ctx.name, tasks });
    return { ...update, plan: tasks, railEvents: new Overwrite(all) };
  };
}

/** Builds the `schedule` node: the rails between waves (cancellation, budgets, deadline). */
export function createScheduleNode(ctx: PlannerContext) {
  return async function schedule(state: PlannerStateType, config: LangGraphRunnableConfig): Promise<PlannerUpdate> {
    if (state.status !== null) return {};
    const rails = plannerRails(ctx, state, config);
    const stop = rails.check();
    return stop ? endRun(ctx, rails, {}, { ...stop, result: stopAnswer(stop, state.results) }, state, config) : {};
  };
}

/** Builds the `run_task` node; it receives one `TaskAssignment` through `Send`. */
export function createRunTaskNode(ctx: PlannerContext) {
  return async function runTask(assignment: TaskAssignment, config: LangGraphRunnableConfig): Promise<PlannerUpdate> {
    const { planned } = assignment;
    const subagent = ctx.subagents.get(planned.agent)!;
    const brief = taskBrief(planned.task, assignment.inputs);
    emitProgress(config, { type: "agent_start", agent: subagent.name, task: brief });
    const output = await runSubagent(subagent, brief, assignment.limits, config);
    const result = output.result ?? `(no result: ${output.statusReason ?? "unknown"})`;
    return {
      results: [{ id: planned.id, ...workRecord(subagent.name, planned.task, result, output.status) }],
      usage: output.usage,
      railEvents: output.railEvents,
      messages: [new AIMessage({ content: result, name: subagent.name })],
    };
  };
}

/** Builds the `aggregate` node: the final answer from the results. */
export function createAggregateNode(ctx: PlannerContext) {
  return async function aggregate(state: PlannerStateType, config: LangGraphRunnableConfig): Promise<PlannerUpdate> {
    const rails = plannerRails(ctx, state, config);
    const stop = rails.check();
    if (stop) return endRun(ctx, rails, {}, { ...stop, result: stopAnswer(stop, state.results) }, state, config);
    let reply: AIMessage;
    try {
      reply = (await ctx.deps.models(ctx.name).invoke([new SystemMessage(AGGREGATE_PROMPT), new HumanMessage(aggregateRequest(state.goal, state.results))], config)) as AIMessage;
    } catch (error) {
      if (isGraphBubbleUp(error)) throw error;
      const reason = `${ctx.name} could not write the answer: ${(error as Error).message}`;
      return endRun(ctx, rails, {}, { status: "failed", reason, result: partialAnswer(reason, state.results), events: [railEvent("model_error", ctx.name, reason)] }, state, config);
    }
    const spent = usageOfResponse(reply, rails.settings.prices);
    const result = messageText(reply).trim() || partialAnswer("the final answer came back empty.", state.results);
    return endRun(ctx, rails, { usage: spent }, { ...completionState(state.results), result }, state, config);
  };
}

/** Ends the run through the rails: the answer as the last message, the episode stored. */
function endRun(ctx: PlannerContext, rails: Rails, update: PlannerUpdate, ending: Omit<RunEnding, "record">, view: Pick<PlannerStateType, "goal" | "results">, config: LangGraphRunnableConfig) {
  return endWithAnswer(rails, update, ending, { memory: ctx.deps.memory, goal: view.goal, work: view.results }, config);
}
