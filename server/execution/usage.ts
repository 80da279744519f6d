/**
 * Token and tool-call accounting of a run from the messages it added to its state (no callbacks
 * on the hot path): AI messages carry `usage_metadata`, tool messages name their tool. Model calls
 * whose messages never reach the root state (inside a subgraph) are not counted here.
 */
import { isBaseMessage, type BaseMessage } from "@langchain/core/messages";

/** What a run used. */
export interface RunUsage {
  inputTokens: number;
  outputTokens: number;
  toolCalls: Record<string, number>;
}

function messagesOf(values: unknown): BaseMessage[] {
  const messages = (values as { messages?: unknown } | null | undefined)?.messages;
  return Array.isArray(messages) ? messages.filter(isBaseMessage) : [];
}

/** Usage of the messages in `after` that were not in `before`. */
export function usageBetween(before: unknown, after: unknown): RunUsage {
  const usage: RunUsage = { inputTokens: 0, outputTokens: 0, toolCalls: {} };
  const seen = new Set(messagesOf(before).map((message) => message.id).filter(Boolean));
  for (const message of messagesOf(after)) {
    if (message.id && seen.has(message.id)) continue;
    const type = message.getType();
    if (type === "ai") {
      const metadata = (message as { usage_metadata?: { input_tokens?: number; output_tokens?: number } }).usage_metadata;
      usage.inputTokens += metadata?.input_tokens ?? 0;
      usage.outputTokens += metadata?.output_tokens ?? 0;
    } else if (type === "tool") {
      const name = (message as { name?: string }).name ?? "unknown";
      usage.toolCalls[name] = (usage.toolCalls[name] ?? 0) + 1;
    }
  }
  return usage;
}
