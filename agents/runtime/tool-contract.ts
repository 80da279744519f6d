/**
 * The tool layer as the agent runtime sees it: tool specs, the executor that runs a model's
 * tool calls through guardrail, budget and rate limits, and their conversion for `bindTools`.
 *
 * STAND-IN: mirrors the shapes of `tools/types.ts` and `tools/executor.ts` (branch `tools`)
 * until they land; then this file re-exports them and the stand-in executor goes.
 */
import { type AIMessage, ToolMessage } from "@langchain/core/messages";
import { tool, type StructuredToolInterface } from "@langchain/core/tools";
import type { LangGraphRunnableConfig } from "@langchain/langgraph";
import type { z } from "zod";
import type { RailEvent } from "./rails.js";

/** What running a tool can do to the world. */
export type SideEffectClass = "read_only" | "idempotent_write" | "external_side_effect";

/** A tool definition (see tools/types.ts). */
export interface AnyToolSpec {
  name: string;
  description: string;
  schema: z.ZodObject;
  timeoutMs: number;
  sideEffect: SideEffectClass;
  secretFields?: readonly string[];
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  run(args: any, ctx: any): Promise<unknown>;
}

/** What the executor needs to know about the run it serves. */
export interface ToolExecutionContext {
  threadId: string;
  runId: string;
  graphId: string;
  agent: string;
  toolCallsUsed: number;
  toolCallBudget: number;
  config?: LangGraphRunnableConfig;
}

/** One ToolMessage per call, the new tool-call count, rails tripped. */
export interface ToolExecutionResult {
  messages: ToolMessage[];
  toolCallsUsed: number;
  railEvents: RailEvent[];
}

/** Runs the tool calls of one AI message. */
export type ToolExecutor = (message: AIMessage, tools: readonly AnyToolSpec[], ctx: ToolExecutionContext) => Promise<ToolExecutionResult>;

/** Tool specs as LangChain tools, for `bindTools`. */
export function toBindableTools(specs: readonly AnyToolSpec[]): StructuredToolInterface[] {
  return specs.map(
    (spec) => tool(async () => "not run here", { name: spec.name, description: spec.description, schema: spec.schema }) as unknown as StructuredToolInterface,
  );
}

/** Stand-in executor: unknown tools, bad JSON, bad arguments and the budget become error messages. */
export const executeToolCalls: ToolExecutor = async (message, tools, ctx) => {
  const byName = new Map(tools.map((spec) => [spec.name, spec]));
  const railEvents: RailEvent[] = [];
  let used = ctx.toolCallsUsed;
  const messages: ToolMessage[] = [];
  for (const call of message.invalid_tool_calls ?? []) {
    messages.push(new ToolMessage({ tool_call_id: call.id ?? "", name: call.name ?? "", status: "error", content: `Error: the arguments of your call to ${call.name} are not valid JSON.` }));
  }
  for (const call of message.tool_calls ?? []) {
    const answer = (content: string, status: "success" | "error") => messages.push(new ToolMessage({ tool_call_id: call.id ?? "", name: call.name, status, content }));
    if (used >= ctx.toolCallBudget) {
      railEvents.push({ kind: "tool_budget_exhausted", agent: ctx.agent, detail: `budget of ${ctx.toolCallBudget} reached`, at: new Date().toISOString() });
      answer(`Error: this run's tool-call budget is exhausted (${ctx.toolCallBudget} calls). Answer with what you have.`, "error");
      continue;
    }
    used += 1;
    const spec = byName.get(call.name);
    if (!spec) {
      answer(`Error: there is no tool named '${call.name}'. Available tools: ${[...byName.keys()].join(", ")}.`, "error");
      continue;
    }
    const parsed = spec.schema.safeParse(call.args);
    if (!parsed.success) {
      answer(`Error: Invalid arguments for ${spec.name}: ${parsed.error.message}`, "error");
      continue;
    }
    try {
      const output = await spec.run(parsed.data, { agent: ctx.agent, signal: ctx.config?.signal });
      answer(typeof output === "string" ? output : JSON.stringify(output), "success");
    } catch (error) {
      answer(`Error: ${spec.name} failed: ${(error as Error).message}`, "error");
    }
  }
  return { messages, toolCallsUsed: used, railEvents };
};
