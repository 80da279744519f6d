/**
 * The two nodes of a specialist's ReAct loop. `model` enforces the rails before every call
 * (cancellation, budgets, iteration limit, context window) and accounts the call's usage;
 * `tools` catches repeated calls before they run and hands the rest to the tool executor.
 */
import { AIMessage, HumanMessage, RemoveMessage, SystemMessage, ToolMessage, type BaseMessage } from "@langchain/core/messages";
import type { BaseChatModel } from "@langchain/core/language_models/chat_models";
import type { Runnable } from "@langchain/core/runnables";
import { isGraphBubbleUp, REMOVE_ALL_MESSAGES, type LangGraphRunnableConfig } from "@langchain/langgraph";
import type { SkillSource } from "../../lib/contracts/memory.js";
import { ConfigError } from "../../lib/errors.js";
import { messageText } from "../../lib/tokens.js";
import { callSignature, classifyToolCalls, escalateLoop, loopNote, NO_LOOPS } from "../rails/loops.js";
import { emitProgress, emitRailEvents } from "../progress.js";
import { addUsage, railEvent, usageOfResponse, type RailEvent, type RunLimits, type TerminalState, type Usage } from "../rails/budgets.js";
import { withEvents, withSpending, type AgentStateType, type AgentUpdate } from "../rails/channels.js";
import { railsOf, startRun, type Rails } from "../rails/run.js";
import type { ModelProvider } from "../models.js";
import { toBindableTools, type AnyToolSpec, type ToolExecutor } from "./tool-contract.js";

const NUDGE_ID_PREFIX = "nudge-";

/** How an agent keeps its messages inside its context window. */
export interface ContextSettings {
  /** Compaction starts past this many (estimated) tokens. */
  maxTokens: number;
  /** Recent history kept verbatim after compaction (default: half of maxTokens). */
  keepRecentTokens?: number;
  /** `trim` folds old turns into an extractive digest; `summarize` has the agent's model write the summary. */
  strategy?: "trim" | "summarize";
}

/** Keeps messages inside a window (memory/context.ts `compactContext` has this shape). */
export type ContextManager = (
  messages: BaseMessage[],
  policy: ContextSettings & { summarizer?: (dropped: BaseMessage[], previous: string | undefined) => Promise<string> },
) => Promise<{ messages: BaseMessage[]; compacted: boolean; removed: number; tokensBefore: number; tokensAfter: number }>;

export type { SkillSource } from "../../lib/contracts/memory.js";

/** A checked specialist definition with its services, as the nodes use it. */
export interface ResolvedSpecialist {
  name: string;
  description: string;
  prompt: string;
  /** The agent's tools, resolved on first use (the catalog may read the environment). */
  tools: () => readonly AnyToolSpec[];
  maxIterations: number;
  context: ContextSettings;
  models: ModelProvider;
  executor: ToolExecutor;
  graphId: string;
  contextManager: ContextManager | undefined;
  defaultLimits: (() => RunLimits) | undefined;
  skills: SkillSource | undefined;
}

const SUMMARY_PROMPT =
  "Summarize the work below for yourself in at most 150 words: facts found, tool results that matter, what is still open. Keep numbers and names exact.";

/** Builds the `model` node of a specialist. */
export function createModelNode(spec: ResolvedSpecialist) {
  const bound = new WeakMap<BaseChatModel, Runnable<BaseMessage[], AIMessage>>();
  const bindModel = (model: BaseChatModel) => {
    let runnable = bound.get(model);
    if (!runnable) {
      const tools = spec.tools();
      if (tools.length > 0 && typeof model.bindTools !== "function") {
        throw new ConfigError(`The model of agent '${spec.name}' cannot call tools (no bindTools); give it a tool-calling model.`);
      }
      runnable = (tools.length > 0 ? model.bindTools!(toBindableTools(tools)) : model) as Runnable<BaseMessage[], AIMessage>;
      bound.set(model, runnable);
    }
    return runnable;
  };

  return async function model(state: AgentStateType, config: LangGraphRunnableConfig): Promise<AgentUpdate> {
    // On a standalone agent's thread, a new human message after a finished run starts a new run.
    const newRun = state.status !== null && state.messages.at(-1)?.getType() === "human";
    const start = startRun(state, config, { newRun });
    const base: AgentUpdate = newRun ? { ...start.update, loops: NO_LOOPS, skills: null } : start.update;
    const rails = railsOf(start.view, config, { agent: spec.name, defaultLimits: spec.defaultLimits?.() });
    const { settings } = rails;
    const usage = start.view.usage;
    const stop = (status: TerminalState, reason: string, extra: AgentUpdate = {}, events: RailEvent[] = []) =>
      finish(rails, { ...base, ...extra }, status, reason, events, newRun ? [] : state.messages);

    const stopped = rails.check({ used: usage.modelCalls, max: spec.maxIterations, of: "model calls" });
    if (stopped) return stop(stopped.status, stopped.reason, {}, stopped.events);

    let history = state.messages;
    const events: RailEvent[] = [];
    let messagesUpdate: BaseMessage[] = [];
    let summaryUsage: Usage | undefined;
    const summarizer = async (dropped: BaseMessage[], previous: string | undefined) => {
      const reply = (await spec.models(spec.name).invoke(
        [new SystemMessage(SUMMARY_PROMPT), new HumanMessage(`${previous ? `Earlier summary:\n${previous}\n\n` : ""}${dropped.map((m) => `${m.getType()}: ${messageText(m)}`).join("\n")}`)],
        config,
      )) as AIMessage;
      summaryUsage = usageOfResponse(reply, settings.prices);
      return messageText(reply);
    };
    const compacted = await manageContext(spec, history, summarizer, events);
    if (compacted.compacted) {
      history = compacted.messages;
      messagesUpdate = [new RemoveMessage({ id: REMOVE_ALL_MESSAGES }), ...history];
      events.push(railEvent("context_compacted", spec.name, `compacted ${compacted.removed} message(s): ~${compacted.tokensBefore} → ~${compacted.tokensAfter} tokens`));
    }

    // Skills are looked up once per task (at its first model call) and kept in state.
    let skills = newRun ? null : state.skills;
    let skillsUpdate: AgentUpdate = {};
    if (skills === null && spec.skills) {
      try {
        skills = (await spec.skills.forTask(latestHumanText(history), config)).trim();
      } catch (error) {
        if (isGraphBubbleUp(error)) throw error;
        skills = "";
        events.push(railEvent("memory_error", spec.name, `could not load skills: ${(error as Error).message}`));
      }
      skillsUpdate = { skills };
    }

    let response: AIMessage;
    try {
      const model = spec.models(spec.name);
      const prompt = skills ? `${spec.prompt}\n\n${skills}` : spec.prompt;
      response = await bindModel(model).invoke([new SystemMessage(prompt), ...history], config);
    } catch (error) {
      if (isGraphBubbleUp(error)) throw error;
      if (config.signal?.aborted) return stop("cancelled", "The run was cancelled.");
      const reason = `${spec.name}'s model call failed: ${(error as Error).message}`;
      return stop("failed", reason, messagesUpdate.length ? { messages: messagesUpdate } : {}, [...events, railEvent("model_error", spec.name, reason)]);
    }
    const spent = addUsage(usageOfResponse(response, settings.prices), summaryUsage);
    const after = addUsage(usage, spent);
    const update: AgentUpdate = withSpending({ ...base, ...skillsUpdate, messages: [...messagesUpdate, response] }, spent);
    const calls = (response.tool_calls?.length ?? 0) + (response.invalid_tool_calls?.length ?? 0);

    if (calls > 0) {
      const overrun = rails.trip(after);
      if (overrun) {
        // The calls are answered (not run) so the transcript stays valid for any provider.
        const unrun = notRun(response, overrun.reason);
        return finish(rails, { ...update, messages: [...messagesUpdate, response, ...unrun] }, "budget_exceeded", overrun.reason, [...events, railEvent(overrun.kind, spec.name, overrun.reason)], [...history, response]);
      }
      emitRailEvents(config, events);
      for (const call of response.tool_calls ?? []) emitProgress(config, { type: "tool_call", agent: spec.name, tool: call.name, args: call.args });
      return withEvents(update, events);
    }
    const text = messageText(response).trim();
    if (text === "") {
      const previous = history.at(-1);
      if (previous?.id?.startsWith(NUDGE_ID_PREFIX)) {
        const reason = `${spec.name}'s model returned an empty reply twice.`;
        return finish(rails, update, "failed", reason, [...events, railEvent("model_misbehaved", spec.name, reason)], [...history, response]);
      }
      const nudge = new HumanMessage({ id: `${NUDGE_ID_PREFIX}${crypto.randomUUID()}`, content: "Your reply was empty. Give your answer to the task, or call one of your tools." });
      emitRailEvents(config, events);
      return withEvents({ ...update, messages: [...messagesUpdate, response, nudge] }, [...events, railEvent("model_misbehaved", spec.name, "empty reply; asked again")]);
    }
    const rejected = rejectedTools(newRun ? [] : state.railEvents, [...history, response]);
    if (rejected.length > 0) {
      const reason = `A human rejected ${rejected.join(", ")}; ${spec.name} finished without it.`;
      return finish(rails, { ...update, result: text }, "rejected", reason, events, [...history, response]);
    }
    return finish(rails, { ...update, result: text }, "completed", "The agent gave its answer.", events, [...history, response]);
  };
}

/** Builds the `tools` node of a specialist. */
export function createToolsNode(spec: ResolvedSpecialist) {
  return async function tools(state: AgentStateType, config: LangGraphRunnableConfig): Promise<AgentUpdate> {
    const rails = railsOf(state, config, { agent: spec.name, defaultLimits: spec.defaultLimits?.() });
    const { settings, limits } = rails;
    const last = state.messages.at(-1) as AIMessage;
    const calls = last.tool_calls ?? [];
    const { allowed, looping, counts } = classifyToolCalls(calls, state.loops, settings.loop);
    const answers: BaseMessage[] = [];
    const events: RailEvent[] = [];
    let loops = { counts, warned: state.loops.warned };
    let toRun = allowed;
    let reviewerNote: string | undefined;

    if (looping.length > 0) {
      const names = [...new Set(looping.map((call) => call.name))].join(", ");
      if (!state.loops.warned) {
        for (const call of looping) answers.push(new ToolMessage({ tool_call_id: call.id ?? "", name: call.name, status: "error", content: loopNote(call.name, settings.loop.maxRepeats) }));
        events.push(railEvent("loop_warning", spec.name, `repeated identical call(s) to ${names}; told the model to change course`, looping[0]?.name));
        loops = { counts, warned: true };
      } else {
        const detail = `${spec.name} keeps repeating identical call(s) to ${names} after being told the result will not change.`;
        const decision = escalateLoop(spec.name, detail, settings.loop.onLoop);
        events.push(railEvent("loop_escalated", spec.name, `${detail} Decision: ${decision.action}.`, looping[0]?.name));
        if (decision.action === "stop") {
          const reason = `Loop detected: ${detail}${decision.reason ? ` (${decision.reason})` : ""}`;
          return finish(rails, { messages: notRun(last, "the run was stopped because of a loop"), loops }, "loop_detected", reason, events, state.messages);
        }
        // The human lets the agent go on: the repeated calls run, and counting starts over.
        toRun = [...calls];
        const fresh = { ...counts };
        for (const call of looping) fresh[callSignature(call.name, call.args)] = 1;
        loops = { counts: fresh, warned: false };
        reviewerNote = decision.note;
      }
    }

    let toolCalls = 0;
    const invalid = last.invalid_tool_calls ?? [];
    if (toRun.length > 0 || (calls.length === 0 && invalid.length > 0)) {
      const partial = new AIMessage({ content: last.content, id: last.id, tool_calls: toRun, invalid_tool_calls: toRun.length > 0 || calls.length === 0 ? invalid : [] });
      const result = await spec.executor(partial, spec.tools(), {
        threadId: String(config.configurable?.thread_id ?? ""),
        runId: String(config.runId ?? config.configurable?.run_id ?? ""),
        graphId: String(config.configurable?.graph_id ?? spec.graphId),
        agent: spec.name,
        toolCallsUsed: state.usage.toolCalls,
        toolCallBudget: limits.maxToolCalls ?? Number.MAX_SAFE_INTEGER,
        config,
      });
      toolCalls = result.toolCallsUsed - state.usage.toolCalls;
      answers.push(...result.messages);
      events.push(...result.railEvents);
      for (const message of result.messages) {
        const ok = (message as ToolMessage).status !== "error";
        emitProgress(config, { type: "tool_result", agent: spec.name, tool: message.name ?? "", ok, preview: messageText(message).slice(0, 160) });
      }
    } else if (invalid.length > 0 && answers[0]) {
      answers[0].content = `${messageText(answers[0])}\n\nAlso, ${invalid.length} malformed call(s) in your message were not run.`;
    }
    if (reviewerNote) answers.push(new HumanMessage(`A reviewer let you continue and says: ${reviewerNote}`));
    emitRailEvents(config, events);
    return { messages: answers, usage: { toolCalls }, railEvents: events, loops };
  };
}

/** Compacts the history if needed; a failing summarizer falls back to the extractive digest. */
async function manageContext(
  spec: ResolvedSpecialist,
  history: BaseMessage[],
  summarizer: (dropped: BaseMessage[], previous: string | undefined) => Promise<string>,
  events: RailEvent[],
) {
  const unchanged = { compacted: false as const, messages: history, removed: 0, tokensBefore: 0, tokensAfter: 0 };
  if (!spec.contextManager) return unchanged;
  if (spec.context.strategy !== "summarize") return spec.contextManager(history, spec.context);
  try {
    return await spec.contextManager(history, { ...spec.context, summarizer });
  } catch (error) {
    if (isGraphBubbleUp(error)) throw error;
    events.push(railEvent("context_summary_failed", spec.name, `summary failed (${(error as Error).message}); trimmed instead`));
    return spec.contextManager(history, { ...spec.context, strategy: "trim" });
  }
}

/** Ends the agent's run through the rails; without an answer, the latest one in the transcript is its result. */
function finish(rails: Rails, update: AgentUpdate, status: TerminalState, reason: string, events: RailEvent[], transcript: readonly BaseMessage[]): Promise<AgentUpdate> {
  const result = (update.result as string | null | undefined) ?? lastAnswer(transcript) ?? `(${rails.agent} stopped: ${reason})`;
  return rails.end(update, { status, reason, result, events });
}

/** Answers every call of `message` with "not run", so no call is left without a result. */
function notRun(message: AIMessage, why: string): ToolMessage[] {
  return (message.tool_calls ?? []).map(
    (call) => new ToolMessage({ tool_call_id: call.id ?? "", name: call.name, status: "error", content: `Not run: ${why}.` }),
  );
}

/** The task at the start of a run: the latest human message (the brief, or the user's new message). */
function latestHumanText(messages: readonly BaseMessage[]): string {
  const latest = messages.findLast((message) => message.getType() === "human");
  return latest ? messageText(latest) : "";
}

/** The latest non-empty AI text in a transcript. */
function lastAnswer(messages: readonly BaseMessage[]): string | undefined {
  for (let index = messages.length - 1; index >= 0; index--) {
    const message = messages[index]!;
    if (message.getType() === "ai") {
      const text = typeof message.content === "string" ? message.content.trim() : messageText(message).trim();
      if (text) return text;
    }
  }
  return undefined;
}

/** Tools a human rejected in this run that never ran successfully afterwards. */
function rejectedTools(events: readonly RailEvent[], messages: readonly BaseMessage[]): string[] {
  const rejected = new Set(events.filter((event) => event.kind === "approval_rejected" && event.tool).map((event) => event.tool!));
  for (const message of messages) {
    if (message.getType() === "tool" && (message as ToolMessage).status !== "error" && message.name) rejected.delete(message.name);
  }
  return [...rejected];
}
