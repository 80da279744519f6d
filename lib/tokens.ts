/**
 * Cheap, deterministic token estimates for budgeting and context-window management.
 * Real counts come from the model's `usage_metadata`; these estimates only decide when to
 * trim a context and let scripted models report plausible usage without a tokenizer.
 */
import type { BaseMessage } from "@langchain/core/messages";

/** Characters per token assumed by the estimate (close to GPT tokenizers on English text and JSON). */
export const CHARS_PER_TOKEN = 4;
/** Fixed per-message overhead (role, separators), as OpenAI's chat format counts it. */
export const TOKENS_PER_MESSAGE = 4;

/** Estimated tokens of a piece of text. */
export function estimateTokens(text: string): number {
  return text.length === 0 ? 0 : Math.ceil(text.length / CHARS_PER_TOKEN);
}

/** The text a model sees for one message: content (text parts) plus tool calls. */
export function messageText(message: BaseMessage): string {
  const content = message.content;
  let text = typeof content === "string" ? content : content.map((part) => ("text" in part && typeof part.text === "string" ? part.text : "")).join("");
  const toolCalls = (message as { tool_calls?: { name: string; args: unknown }[] }).tool_calls;
  if (toolCalls && toolCalls.length > 0) {
    for (const call of toolCalls) text += call.name + JSON.stringify(call.args ?? {});
  }
  return text;
}

// Messages are immutable once in state, so an estimate can be cached per object; the cache
// keeps context checks O(new messages) per step instead of re-reading the whole history.
const cache = new WeakMap<BaseMessage, number>();

/** Estimated tokens of one message, overhead included; cached per message object. */
export function estimateMessageTokens(message: BaseMessage): number {
  let tokens = cache.get(message);
  if (tokens === undefined) {
    tokens = TOKENS_PER_MESSAGE + estimateTokens(messageText(message));
    cache.set(message, tokens);
  }
  return tokens;
}

/** Estimated tokens of a list of messages. */
export function estimateMessagesTokens(messages: readonly BaseMessage[]): number {
  let total = 0;
  for (const message of messages) total += estimateMessageTokens(message);
  return total;
}
