/**
 * Tool specs as LangChain tools: for `model.bindTools(...)` (the model learns names, descriptions
 * and JSON schemas) and for foreign executors such as LangGraph's `ToolNode` (benchmarks, demos).
 * Guardrails, budgets and rate limits live in `executeToolCalls`; a LangChain tool built here
 * therefore refuses to run a side-effecting spec rather than bypass its guardrail.
 */
import { tool, type StructuredToolInterface, type ToolRuntime } from "@langchain/core/tools";
import { idempotencyKey, runWithTimeout } from "./execution/call-steps.js";
import type { AnyToolSpec } from "./types.js";

/** Converts one spec to a LangChain structured tool (bindable; runnable for read-only specs). */
export function toLangChainTool(spec: AnyToolSpec): StructuredToolInterface {
  return tool(
    async (args: Record<string, unknown>, runtime: ToolRuntime) => {
      if (spec.sideEffect !== "read_only") {
        return `Error: ${spec.name} has side effects and must run through Switchboard's tool executor (guardrail); it was not run.`;
      }
      const threadId = String(runtime?.configurable?.thread_id ?? "");
      const toolCallId = runtime?.toolCallId ?? runtime?.toolCall?.id ?? "";
      return runWithTimeout(
        spec,
        args,
        { threadId, runId: String(runtime?.runId ?? ""), graphId: "", agent: "", owner: String(runtime?.configurable?.user_id ?? "default"), toolCallId, idempotencyKey: idempotencyKey(threadId, "", toolCallId) },
        runtime?.signal,
      );
    },
    { name: spec.name, description: spec.description, schema: spec.modelSchema ?? spec.schema },
  ) as unknown as StructuredToolInterface;
}

/** Converts a tool set for `bindTools`. */
export function toLangChainTools(specs: readonly AnyToolSpec[]): StructuredToolInterface[] {
  return specs.map(toLangChainTool);
}
