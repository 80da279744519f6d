/**
 * Reading and closing a specialist's transcript: how its run ends (the result when it gave no
 * answer), calls answered without running, the task, and tools a human rejected.
 */
import { ToolMessage, type AIMessage, type BaseMessage } from "@langchain/core/messages";
import { messageText } from "../../lib/tokens.js";
import type { RailEvent, TerminalState } from "../rails/budgets.js";
import type { AgentUpdate } from "../rails/channels.js";
import type { Rails } from "../rails/run.js";

/** Ends the agent's run through the rails; without an answer, the latest one in the transcript is its result. */
export function finish(rails: Rails, update: AgentUpdate, status: TerminalState, reason: string, events: readonly RailEvent[], transcript: readonly BaseMessage[]): Promise<AgentUpdate> {
  const result = (update.result as string | null | undefined) ?? lastAnswer(transcript) ?? `(${rails.agent} stopped: ${reason})`;
  return rails.end(update, { status, reason, result, events });
}

/** Answers every call of `message` with "not run", so no call is left without a result. */
export function notRun(message: AIMessage, why: string): ToolMessage[] {
  return (message.tool_calls ?? []).map(
    (call) => new ToolMessage({ tool_call_id: call.id ?? "", name: call.name, status: "error", content: `Not run: ${why}.` }),
  );
}

/** The task at the start of a run: the latest human message (the brief, or the user's new message). */
export function latestHumanText(messages: readonly BaseMessage[]): string {
  const latest = messages.findLast((message) => message.getType() === "human");
  return latest ? messageText(latest) : "";
}

/** The latest non-empty AI text in a transcript. */
export function lastAnswer(messages: readonly BaseMessage[]): string | undefined {
  for (let index = messages.length - 1; index >= 0; index--) {
    const message = messages[index]!;
    if (message.getType() === "ai") {
      const text = typeof message.content === "string" ? message.content.trim() : messageText(message).trim();
      if (text) return text;
    }
  }
  return undefined;
}

/** Tools a human rejected in this run that never ran successfully afterwards. */
export function rejectedTools(events: readonly RailEvent[], messages: readonly BaseMessage[]): string[] {
  const rejected = new Set(events.filter((event) => event.kind === "approval_rejected" && event.tool).map((event) => event.tool!));
  for (const message of messages) {
    if (message.getType() === "tool" && (message as ToolMessage).status !== "error" && message.name) rejected.delete(message.name);
  }
  return [...rejected];
}
