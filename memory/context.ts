/**
 * Context-window management: when an agent's messages outgrow its token limit, the oldest
 * turns are folded into one summary message (model-written or an extractive digest), and
 * recent turns are kept verbatim. The leading system prompt and the original goal (the first
 * human message) are pinned and never removed; an AI message is never separated from the
 * tool results that answer it, so the compacted history stays valid for every provider.
 */
import { HumanMessage, isAIMessage, type BaseMessage, ToolMessage } from "@langchain/core/messages";
import { InvalidInputError } from "../lib/errors.js";
import { estimateMessagesTokens, estimateTokens, messageText } from "../lib/tokens.js";

/** Id prefix that marks a summary message written by compaction. */
export const SUMMARY_ID_PREFIX = "context-summary-";

/** Writes a summary of dropped messages; gets the previous summary so it can be carried forward. */
export type Summarizer = (dropped: BaseMessage[], previousSummary: string | undefined) => Promise<string>;

/** How to keep a message list inside its window. */
export interface ContextPolicy {
  /** Compaction starts when the messages exceed this many (estimated) tokens. */
  maxTokens: number;
  /** Tokens of recent history kept verbatim after compaction (default: half of `maxTokens`). */
  keepRecentTokens?: number;
  /** `summarize` asks `summarizer` to write the summary; `trim` writes an extractive digest. */
  strategy?: "trim" | "summarize";
  /** Required for the `summarize` strategy. */
  summarizer?: Summarizer;
  /** Token counter (default: the estimate from lib/tokens). */
  countTokens?: (messages: readonly BaseMessage[]) => number;
}

/** The outcome of a compaction check. */
export interface CompactionResult {
  /** The messages to use from now on (the input list when nothing changed). */
  messages: BaseMessage[];
  /** Whether anything was removed or shortened. */
  compacted: boolean;
  /** How many messages were folded into the summary. */
  removed: number;
  /** Estimated tokens before and after. */
  tokensBefore: number;
  tokensAfter: number;
}

const DIGEST_LINE_CHARS = 160;
const OMITTED = "- (older steps omitted)";

/** Whether a message is a summary written by compaction. */
export function isContextSummary(message: BaseMessage): boolean {
  return typeof message.id === "string" && message.id.startsWith(SUMMARY_ID_PREFIX);
}

/** Checks the policy once, so a misconfigured agent fails at build time, not mid-run. */
export function validateContextPolicy(policy: ContextPolicy): void {
  if (!Number.isInteger(policy.maxTokens) || policy.maxTokens < 64) {
    throw new InvalidInputError(`Context maxTokens must be an integer of at least 64, got ${policy.maxTokens}.`);
  }
  const keep = policy.keepRecentTokens;
  if (keep !== undefined && (!Number.isInteger(keep) || keep <= 0 || keep >= policy.maxTokens)) {
    throw new InvalidInputError(`Context keepRecentTokens must be a positive integer below maxTokens (${policy.maxTokens}), got ${keep}.`);
  }
  if (policy.strategy === "summarize" && !policy.summarizer) {
    throw new InvalidInputError("Context strategy 'summarize' needs a summarizer; pass one or use strategy 'trim'.");
  }
}

/** Keeps `messages` inside the policy's window; see the module comment for what is preserved. */
export async function compactContext(messages: BaseMessage[], policy: ContextPolicy): Promise<CompactionResult> {
  const count = policy.countTokens ?? estimateMessagesTokens;
  const tokensBefore = count(messages);
  if (tokensBefore <= policy.maxTokens) {
    return { messages, compacted: false, removed: 0, tokensBefore, tokensAfter: tokensBefore };
  }
  const pinned = pinnedPrefix(messages);
  let rest = messages.slice(pinned.length);
  let previousSummary: string | undefined;
  if (rest[0] && isContextSummary(rest[0])) {
    previousSummary = messageText(rest[0]);
    rest = rest.slice(1);
  }
  const turns = splitTurns(rest);
  const keepBudget = policy.keepRecentTokens ?? Math.floor(policy.maxTokens / 2);
  const kept: BaseMessage[][] = [];
  let keptTokens = 0;
  for (let index = turns.length - 1; index >= 0; index--) {
    const turn = turns[index]!;
    const tokens = count(turn);
    // The latest turn always stays (the model needs the result it just asked for).
    if (kept.length > 0 && keptTokens + tokens > keepBudget) break;
    kept.unshift(turn);
    keptTokens += tokens;
  }
  const dropped = turns.slice(0, turns.length - kept.length).flat();
  const keptMessages = kept.flat();
  const recent = shortenToolResults(keptMessages, keepBudget, count);
  let summary: BaseMessage[] = previousSummary === undefined ? [] : [messages[pinned.length]!];
  if (dropped.length > 0) {
    const text =
      policy.strategy === "summarize" && policy.summarizer
        ? await policy.summarizer(dropped, previousSummary)
        : digest(dropped, previousSummary, Math.max(32, policy.maxTokens - keepBudget - count(pinned)));
    summary = [
      new HumanMessage({
        id: `${SUMMARY_ID_PREFIX}${crypto.randomUUID()}`,
        content: `Summary of earlier work (older messages were compacted to fit the context window):\n${text}`,
      }),
    ];
  }
  const result = [...pinned, ...summary, ...recent];
  const changed = dropped.length > 0 || recent.some((message, index) => message !== keptMessages[index]);
  return { messages: changed ? result : messages, compacted: changed, removed: dropped.length, tokensBefore, tokensAfter: count(changed ? result : messages) };
}

/** Leading system messages plus the first human message (the goal). */
function pinnedPrefix(messages: BaseMessage[]): BaseMessage[] {
  let index = 0;
  while (index < messages.length && messages[index]!.getType() === "system") index++;
  if (index < messages.length && messages[index]!.getType() === "human" && !isContextSummary(messages[index]!)) index++;
  return messages.slice(0, index);
}

/** Groups messages so each AI message stays with the tool results that follow it. */
function splitTurns(messages: BaseMessage[]): BaseMessage[][] {
  const turns: BaseMessage[][] = [];
  for (const message of messages) {
    const last = turns[turns.length - 1];
    if (last && message.getType() === "tool") last.push(message);
    else turns.push([message]);
  }
  return turns;
}

/** Cuts oversized tool results in the kept turns so one huge result cannot blow the window. */
function shortenToolResults(messages: BaseMessage[], budget: number, count: (m: readonly BaseMessage[]) => number): BaseMessage[] {
  if (count(messages) <= budget) return messages;
  const perResult = Math.max(64, Math.floor(budget / Math.max(1, messages.filter((m) => m.getType() === "tool").length)));
  return messages.map((message) => {
    if (!(message instanceof ToolMessage) || typeof message.content !== "string") return message;
    if (estimateTokens(message.content) <= perResult) return message;
    const keepChars = perResult * 4;
    return new ToolMessage({
      id: message.id,
      tool_call_id: message.tool_call_id,
      name: message.name,
      status: message.status,
      content: `${message.content.slice(0, keepChars)}\n[... ${message.content.length - keepChars} characters cut to fit the context window]`,
    });
  });
}

/** An extractive digest: one short line per dropped message, newest last, within `maxTokens`. */
function digest(dropped: BaseMessage[], previousSummary: string | undefined, maxTokens: number): string {
  const lines = previousSummary ? previousSummary.replace(/^Summary of earlier work[^\n]*\n/, "").split("\n").filter((line) => line !== OMITTED) : [];
  for (const message of dropped) {
    if (isAIMessage(message) && message.tool_calls?.length) {
      for (const call of message.tool_calls) lines.push(`- called ${call.name}(${clip(JSON.stringify(call.args))})`);
      continue;
    }
    const text = clip(messageText(message));
    if (text === "") continue;
    const who = message.getType() === "tool" ? `result of ${message.name ?? "tool"}` : message.getType() === "ai" ? "noted" : "user said";
    lines.push(`- ${who}: ${text}`);
  }
  // Repeated compactions would grow the digest without end: keep its newest lines only.
  let budget = maxTokens * 4;
  let first = lines.length;
  while (first > 0 && budget - (lines[first - 1]!.length + 1) >= 0) budget -= lines[--first]!.length + 1;
  return (first > 0 ? [OMITTED] : []).concat(lines.slice(first)).join("\n");
}

function clip(text: string): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length <= DIGEST_LINE_CHARS ? flat : `${flat.slice(0, DIGEST_LINE_CHARS)}…`;
}
