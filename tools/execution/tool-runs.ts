/**
 * Every tool call the executor handles becomes one `tool` run in the run's callbacks, so
 * LangSmith and the local trace show it with its arguments (secret fields redacted), its
 * result or error, and what the guardrail decided: the policy, a human's approval, or why the
 * call was refused without running.
 */
import type { Serialized } from "@langchain/core/load/serializable";
import { getCallbackManagerForConfig, type RunnableConfig } from "@langchain/core/runnables";

/** Why a call was refused without running. */
export type ToolRefusal = "tool_budget" | "invalid_arguments" | "unknown_tool" | "guardrail_denied" | "approval_rejected" | "rate_limited";

/** The guardrail's part in one call, as trace metadata. */
export interface ToolRunRecord {
  tool: string;
  toolCallId: string;
  /** The arguments as the trace may show them (secret fields already redacted). */
  args: unknown;
  agent: string;
  /** The external source of the tool (`mcp:<server>`), when it is not a built-in. */
  source?: string;
  policy?: string;
  approval?: "approved" | "edited" | "rejected";
  refused?: ToolRefusal;
}

const serialized = (tool: string): Serialized => ({ lc: 1, type: "not_implemented", id: ["switchboard", "tools", tool] });

function metadataOf(record: ToolRunRecord): Record<string, unknown> {
  return {
    agent: record.agent,
    tool: record.tool,
    tool_call_id: record.toolCallId,
    ...(record.source ? { tool_source: record.source } : {}),
    ...(record.policy ? { guardrail_policy: record.policy } : {}),
    ...(record.approval ? { approval: record.approval } : {}),
    ...(record.refused ? { refused: record.refused } : {}),
  };
}

async function startToolRun(config: RunnableConfig | undefined, record: ToolRunRecord) {
  const manager = (await getCallbackManagerForConfig(config))?.copy();
  if (!manager) return undefined;
  // The manager ignores per-call tags and metadata; a copy carries them for this run only.
  manager.addTags(["tool", ...(record.source ? [record.source] : []), ...(record.refused ? [`refused:${record.refused}`] : []), ...(record.approval ? [`approval:${record.approval}`] : [])], false);
  manager.addMetadata(metadataOf(record), false);
  return manager.handleToolStart(serialized(record.tool), JSON.stringify(record.args) ?? "null", undefined, undefined, undefined, undefined, record.tool, record.toolCallId);
}

/** Runs `execute` as a traced tool run; its result or error is recorded, then returned or rethrown. */
export async function tracedToolRun(config: RunnableConfig | undefined, record: ToolRunRecord, execute: () => Promise<string>): Promise<string> {
  const run = await startToolRun(config, record);
  try {
    const output = await execute();
    await run?.handleToolEnd(output);
    return output;
  } catch (error) {
    await run?.handleToolError(error);
    throw error;
  }
}

/** Records a call that did not run, with the text the model was given instead. */
export async function recordRefusedToolRun(config: RunnableConfig | undefined, record: ToolRunRecord, answer: string): Promise<void> {
  const run = await startToolRun(config, record);
  await run?.handleToolError(new Error(answer));
}
