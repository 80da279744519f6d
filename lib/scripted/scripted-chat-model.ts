/**
 * An in-process chat model that answers from a script: for unit tests, the benchmark and the
 * CLI's offline demo. It supports `bindTools` and `withStructuredOutput` like a real provider,
 * reports `usage_metadata` from token estimates, and records every call it receives.
 */
import { AIMessage, AIMessageChunk, type BaseMessage } from "@langchain/core/messages";
import { BaseChatModel, type BaseChatModelCallOptions, type BaseChatModelParams, type BindToolsInput } from "@langchain/core/language_models/chat_models";
import type { BaseLanguageModelInput } from "@langchain/core/language_models/base";
import type { Runnable } from "@langchain/core/runnables";
import { ChatGenerationChunk, type ChatResult } from "@langchain/core/outputs";
import { convertToOpenAITool } from "@langchain/core/utils/function_calling";
import { ModelBehaviorError } from "../errors.js";
import { estimateMessagesTokens, estimateTokens } from "../tokens.js";

/** A tool call a scripted reply makes; `id` is generated when omitted. */
export interface ScriptedToolCall {
  name: string;
  args: Record<string, unknown>;
  id?: string;
}

/** One reply of a scripted model. */
export type ScriptedReply =
  | string
  | Error
  | AIMessage
  | {
      content?: string;
      toolCalls?: ScriptedToolCall[];
      /** Arguments for the structured-output function the caller bound (see `withStructuredOutput`). */
      structured?: Record<string, unknown>;
      /** Tool calls whose arguments did not parse, as a provider reports them. */
      invalidToolCalls?: { name: string; args: string; id?: string; error?: string }[];
    };

/** A tool as the scripted model was given it (OpenAI function format). */
export interface ScriptedToolDefinition {
  name: string;
  description: string;
  parameters: Record<string, unknown>;
}

/** What a script function sees when asked for a reply. */
export interface ScriptContext {
  /** The messages of this call, system prompt first. */
  messages: BaseMessage[];
  /** The tools bound for this call. */
  tools: ScriptedToolDefinition[];
  /** The forced tool, when the caller set `tool_choice` to one function (structured output). */
  forcedTool: string | undefined;
  /** 0-based index of this call on this model. */
  callIndex: number;
}

/** A reply computed from the call. */
export type ScriptFunction = (context: ScriptContext) => ScriptedReply | Promise<ScriptedReply>;

/** A call the scripted model received, kept for assertions. */
export interface RecordedCall {
  messages: BaseMessage[];
  tools: ScriptedToolDefinition[];
  inputTokens: number;
  outputTokens: number;
}

/** Options of a scripted model. */
export interface ScriptedChatModelOptions extends BaseChatModelParams {
  /** Replies in order; a function entry computes its reply from the call. */
  replies?: (ScriptedReply | ScriptFunction)[];
  /** Answers every call once `replies` is used up (or when there are none). */
  respond?: ScriptFunction;
  /** Model name reported in `response_metadata.model_name` (price tables key on it). */
  modelName?: string;
  /** Keep every call in `calls` (default true; the benchmark turns it off). */
  recordCalls?: boolean;
}

/** Call options of a scripted model (tools arrive here through `bindTools`). */
export interface ScriptedChatModelCallOptions extends BaseChatModelCallOptions {
  tools?: ScriptedToolDefinition[];
}

let idCounter = 0;
const nextId = (prefix: string) => `${prefix}_${Date.now().toString(36)}_${(idCounter++).toString(36)}`;

/** A `BaseChatModel` that replies from a script; see the module comment. */
export class ScriptedChatModel extends BaseChatModel<ScriptedChatModelCallOptions, AIMessageChunk> {
  /** Every call received, in order (unless `recordCalls` is false). */
  readonly calls: RecordedCall[] = [];
  /** The model name reported in response metadata. */
  readonly modelName: string;
  private readonly replies: (ScriptedReply | ScriptFunction)[];
  private readonly respond: ScriptFunction | undefined;
  private readonly recordCalls: boolean;
  private callCount = 0;

  constructor(options: ScriptedChatModelOptions = {}) {
    const { replies, respond, modelName, recordCalls, ...base } = options;
    super(base);
    this.replies = [...(replies ?? [])];
    this.respond = respond;
    this.modelName = modelName ?? "scripted";
    this.recordCalls = recordCalls ?? true;
  }

  /** How many calls this model has answered. */
  get callsMade(): number {
    return this.callCount;
  }

  override _llmType(): string {
    return "scripted";
  }

  override bindTools(
    tools: BindToolsInput[],
    kwargs?: Partial<ScriptedChatModelCallOptions>,
  ): Runnable<BaseLanguageModelInput, AIMessageChunk, ScriptedChatModelCallOptions> {
    const definitions = tools.map((tool): ScriptedToolDefinition => {
      const fn = convertToOpenAITool(tool as Parameters<typeof convertToOpenAITool>[0]).function;
      return { name: fn.name, description: fn.description ?? "", parameters: (fn.parameters ?? {}) as Record<string, unknown> };
    });
    return this.withConfig({ ...kwargs, tools: definitions } as Partial<ScriptedChatModelCallOptions>);
  }

  override async _generate(messages: BaseMessage[], options: this["ParsedCallOptions"]): Promise<ChatResult> {
    const message = await this.reply(messages, options);
    // A chunk, as streaming providers return: core's structured-output parser insists on one.
    const chunk = new AIMessageChunk({ content: message.content, id: message.id, ...this.finalChunkFields(message) });
    return { generations: [{ text: typeof message.content === "string" ? message.content : "", message: chunk }] };
  }

  override async *_streamResponseChunks(messages: BaseMessage[], options: this["ParsedCallOptions"]): AsyncGenerator<ChatGenerationChunk> {
    const message = await this.reply(messages, options);
    const text = typeof message.content === "string" ? message.content : "";
    // Text streams word by word so progress displays have something to show; tool calls and
    // usage arrive on the last chunk, as OpenAI-compatible servers send them.
    if (text === "") {
      yield new ChatGenerationChunk({ text: "", message: new AIMessageChunk({ content: "", id: message.id, ...this.finalChunkFields(message) }) });
      return;
    }
    const words = text.split(/(?<=\s)/);
    for (const [index, word] of words.entries()) {
      const last = index === words.length - 1;
      const chunk = new AIMessageChunk({ content: word, id: message.id, ...(last ? this.finalChunkFields(message) : {}) });
      yield new ChatGenerationChunk({ text: word, message: chunk });
    }
  }

  private finalChunkFields(message: AIMessage) {
    // Malformed calls travel as raw argument strings, exactly as a provider streams them;
    // the chunk's own parser then reports them as invalid_tool_calls.
    const calls = [
      ...(message.tool_calls ?? []).map((call) => ({ name: call.name, args: JSON.stringify(call.args), id: call.id })),
      ...(message.invalid_tool_calls ?? []).map((call) => ({ name: call.name, args: call.args, id: call.id })),
    ];
    return {
      tool_call_chunks: calls.map((call, index) => ({ ...call, index, type: "tool_call_chunk" as const })),
      usage_metadata: message.usage_metadata,
      response_metadata: message.response_metadata,
    };
  }

  private async reply(messages: BaseMessage[], options: this["ParsedCallOptions"]): Promise<AIMessage> {
    const tools = options.tools ?? [];
    const forcedTool = forcedToolName(options.tool_choice);
    const callIndex = this.callCount++;
    const entry = callIndex < this.replies.length ? this.replies[callIndex] : this.respond;
    if (entry === undefined) {
      throw new ModelBehaviorError(
        `Scripted model '${this.modelName}' has no reply for call ${callIndex + 1}: its script holds ${this.replies.length}. Add replies or a 'respond' function.`,
      );
    }
    const reply = typeof entry === "function" ? await entry({ messages, tools, forcedTool, callIndex }) : entry;
    if (reply instanceof Error) throw reply;
    const message = toAIMessage(reply, forcedTool ?? (tools.length === 1 ? tools[0]?.name : undefined));
    const inputTokens = estimateMessagesTokens(messages) + (tools.length > 0 ? estimateTokens(JSON.stringify(tools)) : 0);
    const outputTokens = estimateMessagesTokens([message]);
    message.usage_metadata = { input_tokens: inputTokens, output_tokens: outputTokens, total_tokens: inputTokens + outputTokens };
    message.response_metadata = { ...message.response_metadata, model_name: this.modelName, finish_reason: message.tool_calls?.length ? "tool_calls" : "stop" };
    if (this.recordCalls) this.calls.push({ messages: [...messages], tools, inputTokens, outputTokens });
    return message;
  }
}

function forcedToolName(toolChoice: unknown): string | undefined {
  if (typeof toolChoice === "string" && !["auto", "any", "none", "required"].includes(toolChoice)) return toolChoice;
  if (toolChoice && typeof toolChoice === "object" && "function" in toolChoice) {
    return (toolChoice as { function?: { name?: string } }).function?.name;
  }
  return undefined;
}

function toAIMessage(reply: Exclude<ScriptedReply, Error>, structuredTool: string | undefined): AIMessage {
  if (typeof reply === "string") return new AIMessage({ content: reply, id: nextId("msg") });
  if (reply instanceof AIMessage) return new AIMessage({ ...reply, id: reply.id ?? nextId("msg") } as ConstructorParameters<typeof AIMessage>[0]);
  const toolCalls = (reply.toolCalls ?? []).map((call) => ({ name: call.name, args: call.args, id: call.id ?? nextId("call"), type: "tool_call" as const }));
  if (reply.structured !== undefined) {
    if (structuredTool === undefined) {
      throw new ModelBehaviorError("Scripted reply has 'structured' output but the caller bound no structured-output function.");
    }
    toolCalls.push({ name: structuredTool, args: reply.structured, id: nextId("call"), type: "tool_call" });
  }
  return new AIMessage({
    content: reply.content ?? "",
    id: nextId("msg"),
    tool_calls: toolCalls,
    invalid_tool_calls: (reply.invalidToolCalls ?? []).map((call) => ({
      name: call.name,
      args: call.args,
      id: call.id ?? nextId("call"),
      error: call.error ?? "Malformed arguments: not valid JSON.",
      type: "invalid_tool_call" as const,
    })),
  });
}
