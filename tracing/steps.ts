/**
 * Turns LangChain's run tree (what LangSmith receives) into trace steps. Plumbing runs
 * (`__start__`, `RunnableLambda`, `RunnableSequence`, structured-output wrappers) are folded
 * away and their children re-parented to the nearest step a person cares about; every step
 * keeps the LangChain run id, so a local step and its LangSmith run have the same id.
 */
import type { RecordedRun } from "./run-collector.js";
import type { RailEvent } from "../lib/contracts/run.js";
import type { TraceMessage, TraceStep, TraceStepKind, TraceStepStatus } from "./trace.js";
import { costOf, type PriceTable } from "../lib/prices.js";
import { clip } from "../lib/clip.js";

/** What a LangChain run looks like to the folding rule (a `Run` or a run received by LangSmith). */
export interface RunShape {
  name: string;
  run_type: string;
  tags?: string[] | null;
}

const PLUMBING = /^(Runnable[A-Z]\w*|StructuredOutputRunnable|ChannelWrite.*|ChannelRead.*|__start__|__end__)$/;

/** Whether a run is plumbing that traces fold away (the root is never plumbing). */
export function isPlumbingRun(run: RunShape): boolean {
  if (run.tags?.includes("langsmith:hidden")) return true;
  return run.run_type !== "llm" && run.run_type !== "tool" && PLUMBING.test(run.name);
}

const NODE_TAG = /^graph:step:\d+$/;

/** How `steps` builds a tree. */
export interface StepOptions {
  prices: PriceTable;
  /** Longest text kept per field (prompt message, response, tool result). */
  maxFieldChars: number;
  /** Applied to every value a step keeps. */
  anonymize: <T>(value: T) => T;
}

/** The step tree of a finished root run. */
export function stepsOfRun(root: RecordedRun, options: StepOptions): TraceStep {
  const graphId = String(root.extra?.metadata?.graph_id ?? root.name);
  const build = (run: RecordedRun, parent: TraceStep | null): TraceStep => {
    const kind: TraceStepKind = parent === null ? "graph" : kindOf(run);
    const agent = kind === "graph" ? graphId : kind === "agent" ? run.name : (parent?.agent ?? graphId);
    const step = baseStep(run, parent, kind, agent, options);
    const attach = (children: RecordedRun[]) => {
      for (const child of [...children].sort(byStart)) {
        if (isPlumbingRun(child)) attach(child.child_runs ?? []);
        else step.children.push(build(child, step));
      }
    };
    attach(run.child_runs ?? []);
    return step;
  };
  return build(root, null);
}

function kindOf(run: RecordedRun): TraceStepKind {
  if (run.run_type === "llm" || run.run_type === "chat_model") return "model";
  if (run.run_type === "tool") return "tool";
  if (run.tags?.some((tag) => NODE_TAG.test(tag))) return "node";
  // A compiled subgraph (a specialist or a team) runs its own nodes.
  if ((run.child_runs ?? []).some((child) => child.tags?.some((tag) => NODE_TAG.test(tag)))) return "agent";
  return "step";
}

function byStart(a: RecordedRun, b: RecordedRun): number {
  return Number(a.start_time) - Number(b.start_time) || (a.execution_order ?? 0) - (b.execution_order ?? 0);
}

function baseStep(run: RecordedRun, parent: TraceStep | null, kind: TraceStepKind, agent: string, options: StepOptions): TraceStep {
  const started = Number(run.start_time);
  const ended = run.end_time === undefined ? null : Number(run.end_time);
  const error = run.error ? errorText(run.error) : undefined;
  const status: TraceStepStatus = run.error ? (isInterrupt(run.error) ? "interrupted" : "error") : ended === null ? "running" : "ok";
  const step: TraceStep = {
    id: run.id,
    parentId: parent?.id ?? null,
    name: run.name,
    kind,
    runType: run.run_type,
    agent,
    status,
    startedAt: new Date(started).toISOString(),
    endedAt: ended === null ? null : new Date(ended).toISOString(),
    durationMs: ended === null ? null : Math.max(0, ended - started),
    ...(error && status === "error" ? { error: options.anonymize(clip(error, options.maxFieldChars)) } : {}),
    children: [],
  };
  if (kind === "model") step.model = options.anonymize(modelCall(run, options));
  if (kind === "tool") step.tool = options.anonymize(toolCall(run, error, options));
  if (kind === "node" || kind === "graph" || kind === "agent") {
    const rails = railEventsOf(run.outputs);
    if (rails.length > 0) step.rails = options.anonymize(rails);
    const summary = summaryOf(run.outputs, options.maxFieldChars);
    if (summary) step.summary = options.anonymize(summary);
  }
  return step;
}

/** Rail events a node or graph reported in its update (plain list or a run-reset Overwrite). */
export function railEventsOf(outputs: Record<string, unknown> | undefined): RailEvent[] {
  const value = outputs?.railEvents as unknown;
  const list = Array.isArray(value) ? value : Array.isArray((value as { value?: unknown })?.value) ? (value as { value: unknown[] }).value : [];
  return list.filter((event): event is RailEvent => !!event && typeof event === "object" && typeof (event as RailEvent).kind === "string");
}

const SUMMARY_KEYS = ["next", "brief", "status", "statusReason", "result", "plan"] as const;

function summaryOf(outputs: Record<string, unknown> | undefined, max: number): Record<string, unknown> | undefined {
  if (!outputs) return undefined;
  const picked = SUMMARY_KEYS.filter((key) => outputs[key] !== undefined && outputs[key] !== null).map((key) => [key, shorten(outputs[key], Math.min(max, 2_000))]);
  return picked.length > 0 ? Object.fromEntries(picked) : undefined;
}

function modelCall(run: RecordedRun, options: StepOptions) {
  const batches = (run.inputs?.messages ?? run.inputs?.prompts ?? []) as unknown[];
  const prompt = (Array.isArray(batches[0]) ? (batches[0] as unknown[]) : batches).map((message) => toTraceMessage(message, options.maxFieldChars));
  const generation = (run.outputs?.generations as { text?: string; message?: unknown }[][] | undefined)?.[0]?.[0];
  const message = generation?.message ? lcFields(generation.message) : undefined;
  const usageMeta = (message?.usage_metadata ?? run.extra?.metadata?.usage_metadata) as { input_tokens?: number; output_tokens?: number; total_tokens?: number } | undefined;
  const llmUsage = (run.outputs?.llmOutput as { tokenUsage?: { promptTokens?: number; completionTokens?: number } } | undefined)?.tokenUsage;
  const inputTokens = usageMeta?.input_tokens ?? llmUsage?.promptTokens ?? 0;
  const outputTokens = usageMeta?.output_tokens ?? llmUsage?.completionTokens ?? 0;
  const responseMeta = (message?.response_metadata ?? {}) as Record<string, unknown>;
  const params = (run.extra?.invocation_params ?? {}) as Record<string, unknown>;
  const model = String(responseMeta.model_name ?? responseMeta.model ?? params.model ?? params.model_name ?? run.extra?.metadata?.ls_model_name ?? run.name);
  const response = generation ? (generation.message ? toTraceMessage(generation.message, options.maxFieldChars) : { role: "ai", content: clip(generation.text ?? "", options.maxFieldChars) }) : null;
  return {
    model,
    prompt,
    response,
    usage: { inputTokens, outputTokens, totalTokens: usageMeta?.total_tokens ?? inputTokens + outputTokens, costUsd: costOf(options.prices, model, inputTokens, outputTokens) },
  };
}

function toolCall(run: RecordedRun, error: string | undefined, options: StepOptions) {
  const metadata = (run.extra?.metadata ?? {}) as Record<string, unknown>;
  const raw = run.inputs?.input;
  let args: unknown = raw;
  if (typeof raw === "string") {
    try {
      args = JSON.parse(raw);
    } catch {
      args = clip(raw, options.maxFieldChars);
    }
  }
  const output = run.outputs?.output ?? run.outputs;
  const result = run.error ? null : clip(typeof output === "string" ? output : (lcFields(output)?.content as string | undefined) ?? JSON.stringify(output ?? null), options.maxFieldChars);
  return {
    toolCallId: (metadata.tool_call_id as string | undefined) ?? null,
    args: shorten(args, options.maxFieldChars),
    result,
    error: error ? clip(error, options.maxFieldChars) : null,
    policy: (metadata.guardrail_policy as string | undefined) ?? null,
    approval: (metadata.approval as string | undefined) ?? null,
    refused: (metadata.refused as string | undefined) ?? null,
  };
}

/** A message instance or its serialized form (`{lc, id, kwargs}`) as plain fields. */
function lcFields(message: unknown): Record<string, unknown> | undefined {
  if (!message || typeof message !== "object") return undefined;
  const record = message as Record<string, unknown>;
  if (record.lc === 1 && record.kwargs && typeof record.kwargs === "object") return record.kwargs as Record<string, unknown>;
  return record;
}

function roleOf(message: unknown): string {
  const typed = message as { getType?: () => string; _getType?: () => string; id?: unknown };
  if (typeof typed.getType === "function") return typed.getType();
  if (typeof typed._getType === "function") return typed._getType();
  const className = Array.isArray(typed.id) ? String(typed.id.at(-1)) : "";
  return { HumanMessage: "human", AIMessage: "ai", AIMessageChunk: "ai", SystemMessage: "system", ToolMessage: "tool" }[className] ?? (className || "message");
}

function toTraceMessage(message: unknown, max: number): TraceMessage {
  if (typeof message === "string") return { role: "human", content: clip(message, max) };
  const fields = lcFields(message) ?? {};
  const calls = (fields.tool_calls as { id?: string; name: string; args: unknown }[] | undefined) ?? [];
  return {
    role: roleOf(message),
    content: clip(contentText(fields.content), max),
    ...(typeof fields.name === "string" ? { name: fields.name } : {}),
    ...(calls.length > 0 ? { toolCalls: calls.map((call) => ({ ...(call.id ? { id: call.id } : {}), name: call.name, args: shorten(call.args, max) })) } : {}),
    ...(typeof fields.tool_call_id === "string" ? { toolCallId: fields.tool_call_id } : {}),
  };
}

function contentText(content: unknown): string {
  if (typeof content === "string") return content;
  if (Array.isArray(content)) return content.map((part) => (typeof part === "string" ? part : typeof part?.text === "string" ? part.text : "")).join("");
  return content === undefined || content === null ? "" : JSON.stringify(content);
}

/** A JSON-able value whose strings are clipped (and whose serialized size stays near `max`). */
function shorten(value: unknown, max: number): unknown {
  if (typeof value === "string") return clip(value, max);
  if (value === null || value === undefined || typeof value !== "object") return value;
  const text = JSON.stringify(value) ?? "null";
  if (text.length <= max) return JSON.parse(text);
  return clip(text, max);
}

function errorText(error: string): string {
  // LangChain appends the stack after a blank line; the trace keeps the message.
  const stackAt = error.search(/\n\n[\w$.]*(Error|Exception|Interrupt)\b[^\n]*\n\s+at /);
  return (stackAt >= 0 ? error.slice(0, stackAt) : error).trim();
}

function isInterrupt(error: string): boolean {
  return /GraphInterrupt|NodeInterrupt/.test(error);
}
