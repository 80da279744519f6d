/**
 * Keeping a specialist's history inside its context window before a model call: compaction by
 * the context manager, with the agent's own model as summarizer when asked to (its call is
 * accounted); a failing summary falls back to the extractive digest.
 */
import { HumanMessage, RemoveMessage, SystemMessage, type AIMessage, type BaseMessage } from "@langchain/core/messages";
import { isGraphBubbleUp, REMOVE_ALL_MESSAGES, type LangGraphRunnableConfig } from "@langchain/langgraph";
import type { PriceTable } from "../../lib/prices.js";
import { messageText } from "../../lib/tokens.js";
import { railEvent, usageOfResponse, type RailEvent, type Usage } from "../rails/budgets.js";
import type { ContextManager, ResolvedSpecialist } from "./spec.js";

const SUMMARY_PROMPT =
  "Summarize the work below for yourself in at most 150 words: facts found, tool results that matter, what is still open. Keep numbers and names exact.";

/** The history to send, the messages update that stores it when compacted, and what compaction did and cost. */
export interface FittedContext {
  history: BaseMessage[];
  messages: BaseMessage[];
  events: RailEvent[];
  usage: Usage | undefined;
}

/** Fits `history` into the agent's context window. */
export async function fitContext(spec: ResolvedSpecialist, history: BaseMessage[], config: LangGraphRunnableConfig, prices: PriceTable): Promise<FittedContext> {
  const fitted: FittedContext = { history, messages: [], events: [], usage: undefined };
  if (!spec.contextManager) return fitted;
  const summarizer = async (dropped: BaseMessage[], previous: string | undefined) => {
    const earlier = previous ? `Earlier summary:\n${previous}\n\n` : "";
    const work = dropped.map((message) => `${message.getType()}: ${messageText(message)}`).join("\n");
    const reply = (await spec.models(spec.name).invoke([new SystemMessage(SUMMARY_PROMPT), new HumanMessage(`${earlier}${work}`)], config)) as AIMessage;
    fitted.usage = usageOfResponse(reply, prices);
    return messageText(reply);
  };
  const compacted = await compact(spec, spec.contextManager, history, summarizer, fitted.events);
  if (compacted.compacted) {
    fitted.history = compacted.messages;
    fitted.messages = [new RemoveMessage({ id: REMOVE_ALL_MESSAGES }), ...compacted.messages];
    fitted.events.push(railEvent("context_compacted", spec.name, `compacted ${compacted.removed} message(s): ~${compacted.tokensBefore} → ~${compacted.tokensAfter} tokens`));
  }
  return fitted;
}

async function compact(
  spec: ResolvedSpecialist,
  manager: ContextManager,
  history: BaseMessage[],
  summarizer: (dropped: BaseMessage[], previous: string | undefined) => Promise<string>,
  events: RailEvent[],
) {
  if (spec.context.strategy !== "summarize") return manager(history, spec.context);
  try {
    return await manager(history, { ...spec.context, summarizer });
  } catch (error) {
    if (isGraphBubbleUp(error)) throw error;
    events.push(railEvent("context_summary_failed", spec.name, `summary failed (${(error as Error).message}); trimmed instead`));
    return manager(history, { ...spec.context, strategy: "trim" });
  }
}
