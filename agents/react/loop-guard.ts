/**
 * The loop rail in front of a specialist's tools: a call repeating an identical earlier one too
 * often is not run; the first time the model gets a corrective note, the next time the loop
 * escalates (a human decides with policy `ask`, else the run stops in `loop_detected`).
 */
import { ToolMessage, type AIMessage, type BaseMessage } from "@langchain/core/messages";
import { railEvent, type RailEvent } from "../rails/budgets.js";
import { callSignature, classifyToolCalls, escalateLoop, loopNote, type ToolLoopState } from "../rails/loops.js";
import type { Rails } from "../rails/run.js";

type ToolCall = NonNullable<AIMessage["tool_calls"]>[number];

/** What may run, what the model is told instead, and the loop bookkeeping after this batch. */
export interface ScreenedCalls {
  toRun: ToolCall[];
  answers: BaseMessage[];
  events: RailEvent[];
  loops: ToolLoopState;
  /** What a reviewer who let the agent go on said, for the model. */
  reviewerNote: string | undefined;
  /** Set when the loop ends the run. */
  stop?: { reason: string };
}

/** Screens the tool calls of `message` for loops. */
export function screenToolCalls(rails: Rails, message: AIMessage, state: ToolLoopState): ScreenedCalls {
  const { agent } = rails;
  const policy = rails.settings.loop;
  const calls = message.tool_calls ?? [];
  const { allowed, looping, counts } = classifyToolCalls(calls, state, policy);
  const screened: ScreenedCalls = { toRun: allowed, answers: [], events: [], loops: { counts, warned: state.warned }, reviewerNote: undefined };
  if (looping.length === 0) return screened;

  const names = [...new Set(looping.map((call) => call.name))].join(", ");
  if (!state.warned) {
    for (const call of looping) screened.answers.push(new ToolMessage({ tool_call_id: call.id ?? "", name: call.name, status: "error", content: loopNote(call.name, policy.maxRepeats) }));
    screened.events.push(railEvent("loop_warning", agent, `repeated identical call(s) to ${names}; told the model to change course`, looping[0]?.name));
    screened.loops = { counts, warned: true };
    return screened;
  }
  const detail = `${agent} keeps repeating identical call(s) to ${names} after being told the result will not change.`;
  const decision = escalateLoop(agent, detail, policy.onLoop);
  screened.events.push(railEvent("loop_escalated", agent, `${detail} Decision: ${decision.action}.`, looping[0]?.name));
  if (decision.action === "stop") return { ...screened, stop: { reason: `Loop detected: ${detail}${decision.reason ? ` (${decision.reason})` : ""}` } };
  // The human lets the agent go on: the repeated calls run, and counting starts over.
  const fresh = { ...counts };
  for (const call of looping) fresh[callSignature(call.name, call.args)] = 1;
  return { ...screened, toRun: [...calls], loops: { counts: fresh, warned: false }, reviewerNote: decision.note };
}
