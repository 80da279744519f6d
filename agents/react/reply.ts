/**
 * What a specialist does with its model's reply: tool calls go on to the tools (unless the call
 * just crossed a budget: then they are answered "not run" and the run ends); an empty reply is
 * asked again once, then fails; an answer ends the run, `rejected` if a human rejected a tool it
 * never got to run another way.
 */
import { HumanMessage, type AIMessage, type BaseMessage } from "@langchain/core/messages";
import type { LangGraphRunnableConfig } from "@langchain/langgraph";
import { messageText } from "../../lib/tokens.js";
import { emitProgress, emitRailEvents } from "../progress.js";
import { railEvent, type RailEvent, type Usage } from "../rails/budgets.js";
import { withEvents, type AgentUpdate } from "../rails/channels.js";
import type { Rails } from "../rails/run.js";
import type { ResolvedSpecialist } from "./spec.js";
import { finish, notRun, rejectedTools } from "./transcript.js";

const NUDGE_ID_PREFIX = "nudge-";

/** One model turn of a specialist, once the reply is in. */
export interface ReplyTurn {
  spec: ResolvedSpecialist;
  rails: Rails;
  config: LangGraphRunnableConfig;
  reply: AIMessage;
  /** The history the model saw. */
  history: readonly BaseMessage[];
  /** The update so far: run reset, compaction, skills, the reply and its spending. */
  update: AgentUpdate;
  /** Messages to store before the reply (a compacted history), after which anything else follows. */
  stored: readonly BaseMessage[];
  /** Rail events of the turn so far. */
  events: readonly RailEvent[];
  /** What the run has spent, this turn included. */
  usage: Usage;
  /** Rail events of the run before this turn (tool approvals, rejections). */
  runEvents: readonly RailEvent[];
}

/** The node's update for the reply of `turn`. */
export function settleReply(turn: ReplyTurn): AgentUpdate | Promise<AgentUpdate> {
  const { spec, rails, config, reply, update, events } = turn;
  const transcript = [...turn.history, reply];
  const calls = (reply.tool_calls?.length ?? 0) + (reply.invalid_tool_calls?.length ?? 0);
  if (calls > 0) {
    const overrun = rails.trip(turn.usage);
    if (overrun) {
      // The calls are answered (not run) so the transcript stays valid for any provider.
      const messages = [...turn.stored, reply, ...notRun(reply, overrun.reason)];
      return finish(rails, { ...update, messages }, "budget_exceeded", overrun.reason, [...events, railEvent(overrun.kind, spec.name, overrun.reason)], transcript);
    }
    emitRailEvents(config, events);
    for (const call of reply.tool_calls ?? []) emitProgress(config, { type: "tool_call", agent: spec.name, tool: call.name, args: call.args });
    // Malformed calls are reported too: watchers (evals checking forbidden tools) must see what the model tried.
    for (const call of reply.invalid_tool_calls ?? []) emitProgress(config, { type: "tool_call", agent: spec.name, tool: call.name ?? "(unnamed)", args: call.args, invalid: call.error ?? "its arguments are not valid JSON" });
    return withEvents(update, events);
  }
  const text = messageText(reply).trim();
  if (text === "") {
    if (turn.history.at(-1)?.id?.startsWith(NUDGE_ID_PREFIX)) {
      const reason = `${spec.name}'s model returned an empty reply twice.`;
      return finish(rails, update, "failed", reason, [...events, railEvent("model_misbehaved", spec.name, reason)], transcript);
    }
    const nudge = new HumanMessage({ id: `${NUDGE_ID_PREFIX}${crypto.randomUUID()}`, content: "Your reply was empty. Give your answer to the task, or call one of your tools." });
    emitRailEvents(config, events);
    return withEvents({ ...update, messages: [...turn.stored, reply, nudge] }, [...events, railEvent("model_misbehaved", spec.name, "empty reply; asked again")]);
  }
  const rejected = rejectedTools(turn.runEvents, transcript);
  if (rejected.length > 0) {
    const reason = `A human rejected ${rejected.join(", ")}; ${spec.name} finished without it.`;
    return finish(rails, { ...update, result: text }, "rejected", reason, events, transcript);
  }
  return finish(rails, { ...update, result: text }, "completed", "The agent gave its answer.", events, transcript);
}
