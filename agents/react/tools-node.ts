/**
 * The `tools` node of a specialist's ReAct loop: repeated calls are caught before they run
 * (loop-guard.ts), the rest go to the tool executor (guardrail, approvals, tool-call budget,
 * rate limits) and every call gets its answer.
 */
import { AIMessage, HumanMessage, type BaseMessage, type ToolMessage } from "@langchain/core/messages";
import type { LangGraphRunnableConfig } from "@langchain/langgraph";
import { messageText } from "../../lib/tokens.js";
import { emitProgress, emitRailEvents } from "../progress.js";
import type { AgentStateType, AgentUpdate } from "../rails/channels.js";
import { screenToolCalls } from "./loop-guard.js";
import { specialistRails, type ResolvedSpecialist } from "./spec.js";
import { finish, notRun } from "./transcript.js";

/** Builds the `tools` node of a specialist. */
export function createToolsNode(spec: ResolvedSpecialist) {
  return async function tools(state: AgentStateType, config: LangGraphRunnableConfig): Promise<AgentUpdate> {
    const rails = specialistRails(spec, state, config);
    const last = state.messages.at(-1) as AIMessage;
    const screened = screenToolCalls(rails, last, state.loops);
    const { answers, events, loops, toRun } = screened;
    if (screened.stop) {
      return finish(rails, { messages: notRun(last, "the run was stopped because of a loop"), loops }, "loop_detected", screened.stop.reason, events, state.messages);
    }

    let toolCalls = 0;
    const calls = last.tool_calls ?? [];
    const invalid = last.invalid_tool_calls ?? [];
    if (toRun.length > 0 || (calls.length === 0 && invalid.length > 0)) {
      const partial = new AIMessage({ content: last.content, id: last.id, tool_calls: toRun, invalid_tool_calls: toRun.length > 0 || calls.length === 0 ? invalid : [] });
      const result = await spec.executor(partial, spec.tools(), {
        threadId: String(config.configurable?.thread_id ?? ""),
        runId: String(config.runId ?? config.configurable?.run_id ?? ""),
        graphId: String(config.configurable?.graph_id ?? spec.graphId),
        agent: spec.name,
        toolCallsUsed: state.usage.toolCalls,
        toolCallBudget: rails.limits.maxToolCalls ?? Number.MAX_SAFE_INTEGER,
        config,
      });
      toolCalls = result.toolCallsUsed - state.usage.toolCalls;
      answers.push(...result.messages);
      events.push(...result.railEvents);
      for (const message of result.messages) emitProgress(config, toolResult(spec.name, message));
    } else if (invalid.length > 0 && answers[0]) {
      answers[0].content = `${messageText(answers[0])}\n\nAlso, ${invalid.length} malformed call(s) in your message were not run.`;
    }
    if (screened.reviewerNote) answers.push(new HumanMessage(`A reviewer let you continue and says: ${screened.reviewerNote}`));
    emitRailEvents(config, events);
    return { messages: answers, usage: { toolCalls }, railEvents: events, loops };
  };
}

/** The progress event of one tool's answer. */
function toolResult(agent: string, message: BaseMessage) {
  const ok = (message as ToolMessage).status !== "error";
  return { type: "tool_result" as const, agent, tool: message.name ?? "", ok, preview: messageText(message).slice(0, 160) };
}
