/**
 * The `model` node of a specialist's ReAct loop: it starts a new run when a new task arrives,
 * checks the rails before every call (cancellation, budgets, deadline, iteration limit), fits
 * the history into the context window, adds the task's skills, calls the model, accounts the
 * call and settles the reply.
 */
import { isGraphBubbleUp, type LangGraphRunnableConfig } from "@langchain/langgraph";
import type { AIMessage } from "@langchain/core/messages";
import { addUsage, railEvent, usageOfResponse } from "../rails/budgets.js";
import { withSpending, type AgentStateType, type AgentUpdate } from "../rails/channels.js";
import { NO_LOOPS } from "../rails/loops.js";
import { startRun } from "../rails/run.js";
import { fitContext } from "./context-window.js";
import { createModelCaller } from "./model-call.js";
import { settleReply } from "./reply.js";
import { loadSkills } from "./skills.js";
import { specialistRails, type ResolvedSpecialist } from "./spec.js";
import { finish } from "./transcript.js";

/** Builds the `model` node of a specialist. */
export function createModelNode(spec: ResolvedSpecialist) {
  const callModel = createModelCaller(spec);
  return async function model(state: AgentStateType, config: LangGraphRunnableConfig): Promise<AgentUpdate> {
    // On a standalone agent's thread, a new human message after a finished run starts a new run.
    const newRun = state.status !== null && state.messages.at(-1)?.getType() === "human";
    const start = startRun(state, config, { newRun });
    const base: AgentUpdate = newRun ? { ...start.update, loops: NO_LOOPS, skills: null } : start.update;
    const rails = specialistRails(spec, start.view, config);
    const before = newRun ? [] : state.messages;
    const stop = rails.check({ used: start.view.usage.modelCalls, max: spec.maxIterations, of: "model calls" });
    if (stop) return finish(rails, base, stop.status, stop.reason, stop.events, before);

    const context = await fitContext(spec, state.messages, config, rails.settings.prices);
    const skills = await loadSkills(spec, newRun ? null : state.skills, context.history, config);
    const events = [...context.events, ...skills.events];
    let reply: AIMessage;
    try {
      reply = await callModel(context.history, skills.text, config);
    } catch (error) {
      if (isGraphBubbleUp(error)) throw error;
      if (config.signal?.aborted) return finish(rails, base, "cancelled", "The run was cancelled.", [], before);
      const reason = `${spec.name}'s model call failed: ${(error as Error).message}`;
      const update = context.messages.length > 0 ? { ...base, messages: context.messages } : base;
      return finish(rails, update, "failed", reason, [...events, railEvent("model_error", spec.name, reason)], before);
    }
    const spent = addUsage(usageOfResponse(reply, rails.settings.prices), context.usage);
    return settleReply({
      spec,
      rails,
      config,
      reply,
      history: context.history,
      update: withSpending({ ...base, ...skills.update, messages: [...context.messages, reply] }, spent),
      stored: context.messages,
      events,
      usage: addUsage(start.view.usage, spent),
      runEvents: newRun ? [] : state.railEvents,
    });
  };
}
