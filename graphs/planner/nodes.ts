/**
 * The planner's nodes: `planner` writes the plan, `schedule` enforces the rails between waves
 * of sub-tasks, `run_task` runs one sub-task on its specialist (many run in parallel), and
 * `aggregate` writes the final answer from the results.
 */
import { AIMessage, HumanMessage, SystemMessage } from "@langchain/core/messages";
import { isGraphBubbleUp, Overwrite, type LangGraphRunnableConfig } from "@langchain/langgraph";
import {
  addUsage,
  describeTrip,
  emitProgress,
  emitRailEvents,
  exhaustedBudget,
  railEvent,
  railSettings,
  runSubagent,
  tighterLimits,
  usageOfResponse,
  type RailEvent,
  type RunLimits,
  type TerminalState,
  type Subagent,
} from "../../agents/index.js";
import { messageText } from "../../lib/tokens.js";
import type { ResolvedGraphDeps } from "../shared/deps.js";
import { decideStructured } from "../shared/decide.js";
import { completionState, isNewRun, partialAnswer, pendingGoal, recallEpisodes, recordEpisode, runReset, workRecord } from "../shared/run.js";
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

/** The run's limits: handed down by a caller, within the run's settings. */
export function plannerLimits(ctx: PlannerContext, state: PlannerStateType, config: LangGraphRunnableConfig): RunLimits {
  const configured = railSettings(config, ctx.deps.defaultLimits()).limits;
  return state.limits ? tighterLimits(state.limits, configured) : configured;
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
    const reset: PlannerUpdate = { ...runReset(), goal, recalled, plan: [], results: new Overwrite([]) as never };
    const view = { ...state, goal, results: [], usage: addUsage(undefined, undefined), railEvents: events };
    if (config.signal?.aborted) return finishPlanner(ctx, view, reset, "cancelled", "The run was cancelled.", "Cancelled before planning.", events, config);
    const outcome = await decideStructured(ctx.deps.models(ctx.name), schema, "plan", [system, new HumanMessage(planRequest(goal, recalled))], config, (error) => `Your plan could not be used (${error}). Call plan again with a valid plan.`);
    const all = [...events, ...outcome.events.map((detail) => railEvent("model_misbehaved", ctx.name, detail))];
    const update: PlannerUpdate = { ...reset, usage: new Overwrite(outcome.usage) as never };
    if (!outcome.ok) {
      return finishPlanner(ctx, { ...view, usage: outcome.usage }, update, "failed", `${ctx.name} could not plan: ${outcome.error}`, `Stopped before finishing: no usable plan (${outcome.error}).`, [...all, railEvent("model_error", ctx.name, outcome.error)], config);
    }
    const { tasks, repairs } = repairPlan(outcome.value.tasks);
    if (repairs.length > 0) all.push(railEvent("plan_repaired", ctx.name, repairs.join("; ")));
    emitRailEvents(config, all);
    emitProgress(config, { type: "plan", agent: ctx.name, tasks });
    return { ...update, plan: tasks, railEvents: new Overwrite(all) as never };
  };
}

/** Builds the `schedule` node: rails between waves (cancellation, budgets). */
export function createScheduleNode(ctx: PlannerContext) {
  return async function schedule(state: PlannerStateType, config: LangGraphRunnableConfig): Promise<PlannerUpdate> {
    if (state.status !== null) return {};
    const reason = config.signal?.aborted ? "The run was cancelled." : undefined;
    if (reason) return finishPlanner(ctx, state, {}, "cancelled", reason, partialAnswer("the run was cancelled.", state.results), [], config);
    const trip = exhaustedBudget(plannerLimits(ctx, state, config), state.usage);
    if (trip) return finishPlanner(ctx, state, {}, "budget_exceeded", describeTrip(trip), partialAnswer(describeTrip(trip), state.results), [railEvent("budget_exceeded", ctx.name, describeTrip(trip))], config);
    return {};
  };
}

/** Builds the `run_task` node; it receives one `TaskAssignment` through `Send`. */
export function createRunTaskNode(ctx: PlannerContext) {
  return async function runTask(assignment: TaskAssignment, config: LangGraphRunnableConfig): Promise<PlannerUpdate> {
    const { planned } = assignment;
    const subagent = ctx.subagents.get(planned.agent)!;
    const brief = taskBrief(planned.task, assignment.inputs);
    emitProgress(config, { type: "agent_start", agent: subagent.name, task: brief });
    let output;
    try {
      output = await runSubagent(subagent, brief, assignment.limits, config);
    } catch (error) {
      if (isGraphBubbleUp(error)) throw error;
      const reason = `${subagent.name} failed: ${(error as Error).message}`;
      output = { result: null, status: "failed" as const, statusReason: reason, usage: addUsage(undefined, undefined), railEvents: [railEvent("subagent_error", subagent.name, reason)] };
    }
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
    const trip = exhaustedBudget(plannerLimits(ctx, state, config), state.usage);
    if (trip) return finishPlanner(ctx, state, {}, "budget_exceeded", describeTrip(trip), partialAnswer(describeTrip(trip), state.results), [railEvent("budget_exceeded", ctx.name, describeTrip(trip))], config);
    let reply: AIMessage;
    try {
      reply = (await ctx.deps.models(ctx.name).invoke([new SystemMessage(AGGREGATE_PROMPT), new HumanMessage(aggregateRequest(state.goal, state.results))], config)) as AIMessage;
    } catch (error) {
      if (isGraphBubbleUp(error)) throw error;
      const reason = `${ctx.name} could not write the answer: ${(error as Error).message}`;
      return finishPlanner(ctx, state, {}, "failed", reason, partialAnswer(reason, state.results), [railEvent("model_error", ctx.name, reason)], config);
    }
    const spent = usageOfResponse(reply, railSettings(config).prices);
    const answer = messageText(reply).trim() || partialAnswer("the final answer came back empty.", state.results);
    const { status, reason } = completionState(state.results);
    return finishPlanner(ctx, { ...state, usage: addUsage(state.usage, spent) }, { usage: spent }, status, reason, answer, [], config);
  };
}

/** Ends the run: terminal state, answer, episode. */
async function finishPlanner(
  ctx: PlannerContext,
  view: PlannerStateType,
  update: PlannerUpdate,
  status: TerminalState,
  reason: string,
  answer: string,
  events: RailEvent[],
  config: LangGraphRunnableConfig,
): Promise<PlannerUpdate> {
  const memoryEvents = await recordEpisode(
    ctx.deps.memory,
    {
      graphId: ctx.name,
      goal: view.goal,
      answer,
      status,
      statusReason: reason,
      steps: view.results.map((r) => ({ agent: r.agent, task: r.task, result: r.result.slice(0, 500), status: r.status })),
      usage: view.usage,
      railEvents: [...view.railEvents, ...events],
    },
    config,
  );
  const all = [...events, ...memoryEvents];
  emitRailEvents(config, all);
  emitProgress(config, { type: "agent_end", agent: ctx.name, status, reason });
  const current = update.railEvents as unknown;
  const railEvents = Overwrite.isInstance<RailEvent[]>(current) ? (new Overwrite([...current.value, ...all]) as never) : all;
  return { ...update, status, statusReason: reason, result: answer, messages: [new AIMessage({ content: answer, name: ctx.name })], railEvents };
}
