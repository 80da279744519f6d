/**
 * The tool layer as the agent runtime sees it: tool specs, the executor that runs a model's
 * tool calls through guardrail, budget and rate limits, and their conversion for `bindTools`.
 */
import type { AIMessage } from "@langchain/core/messages";
import { executeToolCalls, toLangChainTools, type AnyToolSpec, type ToolExecutionContext, type ToolExecutionResult, type ToolExecutorDeps } from "../../tools/index.js";

export type { AnyToolSpec, SideEffectClass, ToolApprovalDecision, ToolApprovalRequest, ToolExecutionContext, ToolExecutionResult } from "../../tools/index.js";

/** Runs the tool calls of one AI message (the tools layer's `executeToolCalls` with its operator settings bound). */
export type ToolExecutor = (message: AIMessage, tools: readonly AnyToolSpec[], ctx: ToolExecutionContext) => Promise<ToolExecutionResult>;

/** The tools layer's executor with operator settings (policies, rate limits) bound. */
export function createToolExecutor(deps: ToolExecutorDeps | (() => ToolExecutorDeps) = {}): ToolExecutor {
  return (message, tools, ctx) => executeToolCalls(message, tools, ctx, typeof deps === "function" ? deps() : deps);
}

/** Tool specs as LangChain tools, for `bindTools`. */
export const toBindableTools = toLangChainTools;
