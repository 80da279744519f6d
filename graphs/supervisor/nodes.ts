/**
 * The supervisor's nodes. `supervisor` checks the rails, then decides with structured output
 * who works next (with a brief) or finishes with the final answer. Each sub-agent node runs its
 * sub-agent as a subgraph with what is left of the budgets and logs the result.
 */
import { AIMessage, HumanMessage, SystemMessage } from "@langchain/core/messages";
import { Overwrite, type LangGraphRunnableConfig } from "@langchain/langgraph";
import {
  emitProgress,
  emitRailEvents,
  escalateLoop,
  railEvent,
  railsOf,
  runSubagent,
  startRun,
  withEvents,
  withSpending,
  type RailEvent,
  type RailOptions,
  type Rails,
  type RunEnding,
  type Subagent,
} from "../../agents/index.js";
import { messageText } from "../../lib/tokens.js";
import type { ResolvedGraphDeps } from "../shared/deps.js";
import { decideStructured } from "../shared/decide.js";
import { completionState, endWithAnswer, isNewRun, oneLine, partialAnswer, pendingGoal, recallEpisodes, stopAnswer, workRecord, type WorkRecord } from "../shared/run.js";
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
      const start = startRun(state, config, { newRun: true, events });
      update = { ...start.update, goal, recalled, work: new Overwrite([]), stalls: 0, note: null, next: null, brief: null };
      view = { ...start.view, goal, recalled, work: [], stalls: 0, note: null };
    }
    const rails = railsOf(view, config, railOptions(ctx));
    const end = (ending: Omit<RunEnding, "record">) => endRun(ctx, rails, update, ending, view.goal, view.work, config);

    const stop = rails.check({ used: view.work.length, max: ctx.maxHops, of: "delegations" });
    if (stop) return end({ ...stop, result: stopAnswer(stop, view.work) });
    let note = view.note;
    let stalls = view.stalls;
    const events: RailEvent[] = [];
    if (stalls >= 2) {
      const detail = `${ctx.name} is going round in circles: repeated requests or results with nothing new.`;
      const decision = escalateLoop(ctx.name, detail, rails.settings.loop.onLoop);
      events.push(railEvent("loop_escalated", ctx.name, `${detail} Decision: ${decision.action}.`));
      if (decision.action === "stop") return end({ status: "loop_detected", reason: `Loop detected: ${detail}`, result: partialAnswer("a loop was detected.", view.work), events });
      stalls = 0;
      note = decision.note ? `A human reviewer says: ${decision.note}` : null;
    }

    const request = decisionRequest({ goal: view.goal, earlier: earlierExchanges(view, ctx.name), recalled: view.recalled, work: view.work, note });
    const outcome = await decideStructured(ctx.deps.models(ctx.name), schema, "route", [system, new HumanMessage(request)], config, unreadableDecisionNote);
    events.push(...outcome.events.map((detail) => railEvent("model_misbehaved", ctx.name, detail)));
    update = withSpending(update, outcome.usage);
    if (!outcome.ok) {
      if (config.signal?.aborted) return end({ status: "cancelled", reason: "The run was cancelled.", result: partialAnswer("the run was cancelled.", view.work), events });
      const reason = `${ctx.name} could not decide: ${outcome.error}`;
      return end({ status: "failed", reason, result: partialAnswer(`the supervisor could not decide (${outcome.error}).`, view.work), events: [...events, railEvent("model_error", ctx.name, outcome.error)] });
    }
    const decision = outcome.value;
    if (decision.next === "finish") {
      const result = decision.answer.trim() || partialAnswer("the supervisor finished without writing an answer.", view.work);
      return end({ ...completionState(view.work), result, events });
    }
    const brief = decision.task.trim() || view.goal;
    const repeated = view.work.some((record) => record.agent === decision.next && oneLine(record.task, 2_000) === oneLine(brief, 2_000));
    if (repeated) {
      // Not dispatched: a repeat costs a decision, never a whole sub-agent run.
      events.push(railEvent("loop_warning", ctx.name, `asked ${decision.next} for work it already did`));
      emitRailEvents(config, events);
      return withEvents({ ...update, stalls: stalls + 1, note: repeatedRequestNote(decision.next), next: null, brief: null }, events);
    }
    emitRailEvents(config, events);
    emitProgress(config, { type: "handoff", from: ctx.name, to: decision.next, task: brief });
    return withEvents({ ...update, stalls, note: null, next: decision.next, brief }, events);
  };
}

/** Builds the node that runs `subagent` on the supervisor's brief. */
export function createSubagentNode(ctx: SupervisorContext, subagent: Subagent) {
  return async function delegate(state: SupervisorStateType, config: LangGraphRunnableConfig): Promise<SupervisorUpdate> {
    const rails = railsOf(state, config, railOptions(ctx));
    const brief = state.brief ?? state.goal;
    emitProgress(config, { type: "agent_start", agent: subagent.name, task: brief });
    const output = await runSubagent(subagent, brief, rails.handDown(), config);
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
    const stopRun = output.status === "cancelled" || (output.status === "loop_detected" && rails.settings.loop.onLoop === "ask");
    if (stopRun) {
      const work = [...state.work, record];
      return endRun(ctx, rails, update, { status: output.status!, reason: output.statusReason ?? output.status!, result: partialAnswer(output.statusReason ?? "", work) }, state.goal, work, config);
    }
    return update;
  };
}

/** Ends the run through the rails: the answer as the last message, the episode stored; no one works next. */
function endRun(ctx: SupervisorContext, rails: Rails, update: SupervisorUpdate, ending: Omit<RunEnding, "record">, goal: string, work: readonly WorkRecord[], config: LangGraphRunnableConfig) {
  return endWithAnswer(rails, { ...update, next: null, brief: null }, ending, { memory: ctx.deps.memory, goal, work }, config);
}

/** The rails' options: the supervisor's name and the graph's default limits. */
function railOptions(ctx: SupervisorContext): RailOptions {
  return { agent: ctx.name, defaultLimits: ctx.deps.defaultLimits() };
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
