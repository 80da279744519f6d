/**
 * The supervisor's nodes. `supervisor` enforces the rails, then decides with structured output
 * who works next (with a brief) or finishes with the final answer. Each sub-agent node runs its
 * sub-agent as a subgraph with what is left of the budgets and logs the result.
 */
import { AIMessage, HumanMessage, SystemMessage } from "@langchain/core/messages";
import { isGraphBubbleUp, Overwrite, type LangGraphRunnableConfig } from "@langchain/langgraph";
import {
  addUsage,
  describeTrip,
  emitProgress,
  emitRailEvents,
  escalateLoop,
  exhaustedBudget,
  railEvent,
  railSettings,
  remainingLimits,
  runSubagent,
  tighterLimits,
  type RailEvent,
  type TerminalState,
  type Usage,
  type Subagent,
} from "../../agents/index.js";
import { messageText } from "../../lib/tokens.js";
import type { ResolvedGraphDeps } from "../shared/deps.js";
import { decideStructured } from "../shared/decide.js";
import { completionState, isNewRun, oneLine, partialAnswer, pendingGoal, recallEpisodes, recordEpisode, runReset, workRecord } from "../shared/run.js";
import { decisionRequest, noProgressNote, repeatedRequestNote, supervisorPrompt, unreadableDecisionNote } from "./prompts.js";
import { decisionSchema } from "./routes.js";
import type { SupervisorStateType, SupervisorUpdate } from "./state.js";

/** What the nodes need: the team, the graph's name and hop limit, and the services. */
export interface SupervisorContext {
  name: string;
  subagents: readonly Subagent[];
  maxHops: number;
  preamble: string | undefined;
  deps: ResolvedGraphDeps;
}

/** Builds the `supervisor` node. */
export function createSupervisorNode(ctx: SupervisorContext) {
  const schema = decisionSchema(ctx.subagents.map((subagent) => subagent.name));
  const system = new SystemMessage(supervisorPrompt(ctx.subagents, ctx.preamble));

  return async function supervisor(state: SupervisorStateType, config: LangGraphRunnableConfig): Promise<SupervisorUpdate> {
    let update: SupervisorUpdate = {};
    let view = state;
    if (isNewRun(state)) {
      const goal = pendingGoal(state.messages)!;
      const { recalled, events } = await recallEpisodes(ctx.deps.memory, ctx.name, goal, config);
      update = { ...runReset(), goal, recalled, work: new Overwrite([]) as never, stalls: 0, note: null, next: null, brief: null, railEvents: new Overwrite(events) as never };
      view = { ...state, goal, recalled, work: [], stalls: 0, note: null, usage: addUsage(undefined, undefined), railEvents: events, status: null };
    }
    const end = (status: TerminalState, reason: string, answer: string, events: RailEvent[] = []) =>
      finishRun(ctx, view, update, status, reason, answer, events, config);

    if (config.signal?.aborted) return end("cancelled", "The run was cancelled.", partialAnswer("the run was cancelled.", view.work));
    const limits = view.limits ? tighterLimits(view.limits, railSettings(config).limits) : railSettings(config).limits;
    const trip = exhaustedBudget(limits, view.usage);
    if (trip) return end("budget_exceeded", describeTrip(trip), partialAnswer(describeTrip(trip), view.work), [railEvent("budget_exceeded", ctx.name, describeTrip(trip))]);
    if (view.work.length >= ctx.maxHops) {
      const reason = `${ctx.name} reached its limit of ${ctx.maxHops} delegations.`;
      return end("budget_exceeded", reason, partialAnswer(reason, view.work), [railEvent("iteration_limit", ctx.name, reason)]);
    }
    let note = view.note;
    let stalls = view.stalls;
    const events: RailEvent[] = [];
    if (stalls >= 2) {
      const detail = `${ctx.name} is going round in circles: repeated requests or results with nothing new.`;
      const decision = escalateLoop(ctx.name, detail, settingsOf(ctx, config).loop.onLoop);
      events.push(railEvent("loop_escalated", ctx.name, `${detail} Decision: ${decision.action}.`));
      if (decision.action === "stop") return end("loop_detected", `Loop detected: ${detail}`, partialAnswer("a loop was detected.", view.work), events);
      stalls = 0;
      note = decision.note ? `A human reviewer says: ${decision.note}` : null;
    }

    const request = decisionRequest({ goal: view.goal, earlier: earlierExchanges(view, ctx.name), recalled: view.recalled, work: view.work, note });
    const outcome = await decideStructured(ctx.deps.models(ctx.name), schema, "route", [system, new HumanMessage(request)], config, unreadableDecisionNote);
    events.push(...outcome.events.map((detail) => railEvent("model_misbehaved", ctx.name, detail)));
    update = { ...update, usage: mergeUsage(update.usage, outcome.usage) };
    if (!outcome.ok) {
      if (config.signal?.aborted) return end("cancelled", "The run was cancelled.", partialAnswer("the run was cancelled.", view.work), events);
      return end("failed", `${ctx.name} could not decide: ${outcome.error}`, partialAnswer(`the supervisor could not decide (${outcome.error}).`, view.work), [...events, railEvent("model_error", ctx.name, outcome.error)]);
    }
    const decision = outcome.value;
    if (decision.next === "finish") {
      const answer = decision.answer.trim() || partialAnswer("the supervisor finished without writing an answer.", view.work);
      const { status, reason } = completionState(view.work);
      return end(status, reason, answer, events);
    }
    const brief = decision.task.trim() || view.goal;
    const repeated = view.work.some((record) => record.agent === decision.next && oneLine(record.task, 2_000) === oneLine(brief, 2_000));
    if (repeated) {
      // Not dispatched: a repeat costs a decision, never a whole sub-agent run.
      events.push(railEvent("loop_warning", ctx.name, `asked ${decision.next} for work it already did`));
      emitRailEvents(config, events);
      return { ...update, stalls: stalls + 1, note: repeatedRequestNote(decision.next), next: null, brief: null, railEvents: withEvents(update.railEvents, events) };
    }
    emitRailEvents(config, events);
    emitProgress(config, { type: "handoff", from: ctx.name, to: decision.next, task: brief });
    return { ...update, stalls, note: null, next: decision.next, brief, railEvents: withEvents(update.railEvents, events) };
  };
}

/** Builds the node that runs `subagent` on the supervisor's brief. */
export function createSubagentNode(ctx: SupervisorContext, subagent: Subagent) {
  return async function delegate(state: SupervisorStateType, config: LangGraphRunnableConfig): Promise<SupervisorUpdate> {
    const limits = state.limits ? tighterLimits(state.limits, railSettings(config).limits) : railSettings(config).limits;
    const brief = state.brief ?? state.goal;
    emitProgress(config, { type: "agent_start", agent: subagent.name, task: brief });
    let output;
    try {
      output = await runSubagent(subagent, brief, remainingLimits(limits, state.usage), config);
    } catch (error) {
      if (isGraphBubbleUp(error)) throw error;
      const reason = `${subagent.name} failed: ${(error as Error).message}`;
      output = { result: null, status: "failed" as const, statusReason: reason, usage: addUsage(undefined, undefined), railEvents: [railEvent("subagent_error", subagent.name, reason)] };
    }
    const result = output.result ?? `(no result: ${output.statusReason ?? "unknown"})`;
    const record = workRecord(subagent.name, brief, result, output.status);
    const repeatsEarlier = state.work.some((earlier) => earlier.resultKey === record.resultKey);
    const update: SupervisorUpdate = {
      work: [record],
      usage: output.usage,
      railEvents: repeatsEarlier ? [...output.railEvents, railEvent("loop_warning", ctx.name, `${subagent.name} returned nothing new`)] : output.railEvents,
      messages: [new AIMessage({ content: result, name: subagent.name })],
      next: null,
      brief: null,
      stalls: repeatsEarlier ? state.stalls + 1 : 0,
      note: repeatsEarlier ? noProgressNote(subagent.name) : null,
    };
    // A cancelled sub-agent, or a human who stopped a looping one, ends the whole run.
    const stopRun = output.status === "cancelled" || (output.status === "loop_detected" && settingsOf(ctx, config).loop.onLoop === "ask");
    if (stopRun) {
      const view = { ...state, work: [...state.work, record] };
      return finishRun(ctx, view, update, output.status!, output.statusReason ?? output.status!, partialAnswer(output.statusReason ?? "", view.work), [], config);
    }
    return update;
  };
}

/** Ends the run: terminal state, answer (also as the last message), rail events, the episode. */
async function finishRun(
  ctx: SupervisorContext,
  view: SupervisorStateType,
  update: SupervisorUpdate,
  status: TerminalState,
  reason: string,
  answer: string,
  events: RailEvent[],
  config: LangGraphRunnableConfig,
): Promise<SupervisorUpdate> {
  const usage = addUsage(view.usage, unwrap(update.usage as Usage | Overwrite<Usage> | undefined));
  const memoryEvents = await recordEpisode(
    ctx.deps.memory,
    {
      graphId: ctx.name,
      goal: view.goal,
      answer,
      status,
      statusReason: reason,
      steps: view.work.map((record) => ({ agent: record.agent, task: record.task, result: oneLine(record.result, 500), status: record.status })),
      usage,
      railEvents: [...view.railEvents, ...events],
    },
    config,
  );
  const all = [...events, ...memoryEvents];
  emitRailEvents(config, all);
  emitProgress(config, { type: "agent_end", agent: ctx.name, status, reason });
  const messages = [...((update.messages as AIMessage[] | undefined) ?? []), new AIMessage({ content: answer, name: ctx.name })];
  return { ...update, status, statusReason: reason, result: answer, messages, next: null, brief: null, railEvents: withEvents(update.railEvents, all) };
}

/** Earlier goals and answers on this thread, for follow-up questions (latest three exchanges). */
function earlierExchanges(state: SupervisorStateType, name: string): string[] {
  const lines: string[] = [];
  let current = state.messages.length - 1;
  while (current >= 0 && state.messages[current]!.getType() !== "human") current--;
  for (const message of state.messages.slice(0, Math.max(0, current))) {
    if (message.getType() === "human") lines.push(`User: ${oneLine(messageText(message), 300)}`);
    else if (message.getType() === "ai" && message.name === name) lines.push(`You answered: ${oneLine(messageText(message), 500)}`);
  }
  return lines.slice(-6);
}

/** The run's rail settings, over this graph's default limits. */
function settingsOf(ctx: SupervisorContext, config: LangGraphRunnableConfig) {
  return railSettings(config, ctx.deps.defaultLimits?.());
}

function unwrap<T>(value: T | Overwrite<T> | undefined): T | undefined {
  return Overwrite.isInstance<T>(value) ? value.value : (value as T | undefined);
}

function mergeUsage(current: SupervisorUpdate["usage"], spent: Parameters<typeof addUsage>[1]): SupervisorUpdate["usage"] {
  if (Overwrite.isInstance(current)) return new Overwrite(addUsage((current as Overwrite).value, spent)) as never;
  return addUsage(current as never, spent);
}

function withEvents(current: SupervisorUpdate["railEvents"], events: RailEvent[]): SupervisorUpdate["railEvents"] {
  if (Overwrite.isInstance<RailEvent[]>(current)) return new Overwrite([...current.value, ...events]) as never;
  return [...((current as RailEvent[] | undefined) ?? []), ...events];
}
