/**
 * Structured decisions (routing, planning): one model call through `withStructuredOutput`
 * (function calling, the form every OpenAI-compatible server supports), validated with zod.
 * An unreadable answer is shown to the model with a note and asked once more; a model that
 * cannot answer at all (endpoint down after retries) is reported, not thrown.
 */
import { HumanMessage, type AIMessage, type BaseMessage } from "@langchain/core/messages";
import type { BaseChatModel } from "@langchain/core/language_models/chat_models";
import type { Runnable } from "@langchain/core/runnables";
import { isGraphBubbleUp, type LangGraphRunnableConfig } from "@langchain/langgraph";
import type { z } from "zod";
import { addUsage, railSettings, usageOfResponse, type Usage } from "../../agents/index.js";

/** The outcome of a structured decision, with what it cost. */
export type DecisionOutcome<T> =
  | { ok: true; value: T; usage: Usage; events: string[] }
  | { ok: false; error: string; usage: Usage; events: string[] };

type Structured = Runnable<BaseMessage[], { raw: AIMessage; parsed: unknown; parsing_error?: unknown }>;
const cache = new WeakMap<BaseChatModel, WeakMap<z.ZodType, Structured>>();

function structuredModel(model: BaseChatModel, schema: z.ZodType, name: string): Structured {
  let bySchema = cache.get(model);
  if (!bySchema) cache.set(model, (bySchema = new WeakMap()));
  let runnable = bySchema.get(schema);
  if (!runnable) {
    runnable = model.withStructuredOutput(schema as z.ZodObject, { name, includeRaw: true, method: "functionCalling" }) as unknown as Structured;
    bySchema.set(schema, runnable);
  }
  return runnable;
}

/** Asks `model` for a value of `schema` via function `name`; see the module comment. */
export async function decideStructured<T>(
  model: BaseChatModel,
  schema: z.ZodType<T>,
  name: string,
  messages: BaseMessage[],
  config: LangGraphRunnableConfig,
  noteFor: (error: string) => string,
  attempts = 2,
): Promise<DecisionOutcome<T>> {
  const prices = railSettings(config).prices;
  const runnable = structuredModel(model, schema, name);
  let usage = addUsage(undefined, undefined);
  const events: string[] = [];
  let conversation = messages;
  let lastError = "no answer";
  for (let attempt = 1; attempt <= attempts; attempt++) {
    let reply;
    try {
      reply = await runnable.invoke(conversation, config);
    } catch (error) {
      if (isGraphBubbleUp(error)) throw error;
      return { ok: false, error: (error as Error).message, usage, events };
    }
    usage = addUsage(usage, usageOfResponse(reply.raw, prices));
    const parsed = reply.parsing_error ? undefined : schema.safeParse(reply.parsed);
    if (parsed?.success) return { ok: true, value: parsed.data, usage, events };
    lastError = reply.parsing_error
      ? String((reply.parsing_error as Error).message ?? reply.parsing_error)
      : parsed
        ? parsed.error.issues.map((issue) => `${issue.path.join(".") || "value"}: ${issue.message}`).join("; ")
        : "no structured answer";
    events.push(`unreadable ${name} decision (attempt ${attempt}): ${lastError.slice(0, 300)}`);
    conversation = [...messages, new HumanMessage(noteFor(lastError))];
  }
  return { ok: false, error: `no readable ${name} decision after ${attempts} attempts (${lastError.slice(0, 300)})`, usage, events };
}
