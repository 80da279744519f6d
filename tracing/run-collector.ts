/**
 * A lean LangChain callback handler that keeps the run tree of one graph run: only the fields
 * the trace's steps are built from (tracing/steps.ts), no LangSmith bookkeeping. Core's
 * `BaseTracer` also builds dotted orders, event lists with ISO dates and copies of every run,
 * which cost about a third of a trivial run's tracing overhead on the server.
 */
import { BaseCallbackHandler } from "@langchain/core/callbacks/base";
import type { Serialized } from "@langchain/core/load/serializable";

/** One LangChain run as the collector keeps it (the part of core's `Run` that steps read). */
export interface RecordedRun {
  id: string;
  name: string;
  run_type: string;
  parent_run_id?: string;
  tags: string[];
  start_time: number;
  end_time?: number;
  /** Order of start within the recorded run (ties of `start_time`). */
  execution_order: number;
  inputs?: Record<string, unknown>;
  outputs?: Record<string, unknown>;
  error?: string;
  extra: { metadata?: Record<string, unknown>; invocation_params?: unknown; [key: string]: unknown };
  child_runs: RecordedRun[];
}

type Meta = Record<string, unknown> | undefined;

const nameOf = (serialized: Serialized | undefined, name: string | undefined) => name ?? serialized?.id?.at(-1) ?? "run";
const asDict = (value: unknown, key: string): Record<string, unknown> => (value && !Array.isArray(value) && typeof value === "object" ? (value as Record<string, unknown>) : { [key]: value });

/** Core's way of keeping an error: its message, a blank line, its stack (steps.ts cuts the stack). */
function errorString(error: unknown): string {
  if (error instanceof Error) return error.message + (error.stack ? `\n\n${error.stack}` : "");
  return typeof error === "string" ? error : `${error}`;
}

/** Collects runs into a tree; `rootEnded` gets each run that ends with no recorded parent. */
export abstract class RunCollector extends BaseCallbackHandler {
  private readonly runs = new Map<string, RecordedRun>();
  private order = 0;

  /** A run without a recorded parent ended (its children are attached). */
  protected abstract rootEnded(run: RecordedRun): Promise<void>;

  /** Handlers are called by the manager, which passes one instance around: no copies. */
  override copy(): this {
    return this;
  }

  private start(run: Omit<RecordedRun, "execution_order" | "child_runs">): void {
    // A start already seen (as core's BaseTracer allows for) keeps the first record.
    if (this.runs.has(run.id)) return;
    const recorded: RecordedRun = { ...run, execution_order: (this.order += 1), child_runs: [] };
    const parent = run.parent_run_id === undefined ? undefined : this.runs.get(run.parent_run_id);
    if (parent) parent.child_runs.push(recorded);
    else recorded.parent_run_id = undefined;
    this.runs.set(run.id, recorded);
  }

  private async end(runId: string, update: Partial<RecordedRun>): Promise<void> {
    const run = this.runs.get(runId);
    if (!run) return;
    Object.assign(run, update, { end_time: Date.now() });
    this.runs.delete(runId);
    if (run.parent_run_id === undefined) await this.rootEnded(run);
  }

  // The manager calls (chain, inputs, runId, parentRunId, tags, metadata, runType, runName), as
  // core's BaseTracer declares it; the handler interface's declaration names them differently.
  override async handleChainStart(chain: Serialized, _inputs: unknown, runId: string, parentRunId?: string, tags?: string[], metadata?: Meta, runType?: string, runName?: string): Promise<void> {
    this.start({ id: runId, name: nameOf(chain, runName), run_type: runType ?? "chain", parent_run_id: parentRunId, tags: tags ?? [], start_time: Date.now(), extra: metadata ? { metadata } : {} });
  }

  override async handleChainEnd(outputs: unknown, runId: string): Promise<void> {
    await this.end(runId, { outputs: asDict(outputs, "output") });
  }

  override async handleChainError(error: unknown, runId: string): Promise<void> {
    await this.end(runId, { error: errorString(error) });
  }

  override async handleLLMStart(llm: Serialized, prompts: string[], runId: string, parentRunId?: string, extraParams?: Meta, tags?: string[], metadata?: Meta, runName?: string): Promise<void> {
    this.modelStart(llm, { prompts }, runId, parentRunId, extraParams, tags, metadata, runName);
  }

  override async handleChatModelStart(llm: Serialized, messages: unknown[][], runId: string, parentRunId?: string, extraParams?: Meta, tags?: string[], metadata?: Meta, runName?: string): Promise<void> {
    this.modelStart(llm, { messages }, runId, parentRunId, extraParams, tags, metadata, runName);
  }

  private modelStart(llm: Serialized, inputs: Record<string, unknown>, runId: string, parentRunId?: string, extraParams?: Meta, tags?: string[], metadata?: Meta, runName?: string): void {
    this.start({ id: runId, name: nameOf(llm, runName), run_type: "llm", parent_run_id: parentRunId, tags: tags ?? [], start_time: Date.now(), inputs, extra: { ...extraParams, ...(metadata ? { metadata } : {}) } });
  }

  override async handleLLMEnd(output: unknown, runId: string, _parentRunId?: string, _tags?: string[], extraParams?: Meta): Promise<void> {
    this.mergeExtra(runId, extraParams);
    await this.end(runId, { outputs: output as Record<string, unknown> });
  }

  override async handleLLMError(error: unknown, runId: string, _parentRunId?: string, _tags?: string[], extraParams?: Meta): Promise<void> {
    this.mergeExtra(runId, extraParams);
    await this.end(runId, { error: errorString(error) });
  }

  private mergeExtra(runId: string, extraParams: Meta): void {
    const run = this.runs.get(runId);
    if (run && extraParams) run.extra = { ...run.extra, ...extraParams };
  }

  override async handleToolStart(tool: Serialized, input: string, runId: string, parentRunId?: string, tags?: string[], metadata?: Meta, runName?: string, toolCallId?: string): Promise<void> {
    const extra = { ...(metadata ? { metadata } : {}), ...(toolCallId !== undefined ? { tool_call_id: toolCallId } : {}) };
    this.start({ id: runId, name: nameOf(tool, runName), run_type: "tool", parent_run_id: parentRunId, tags: tags ?? [], start_time: Date.now(), inputs: asDict(input, "input"), extra });
  }

  override async handleToolEnd(output: unknown, runId: string): Promise<void> {
    await this.end(runId, { outputs: { output } });
  }

  override async handleToolError(error: unknown, runId: string): Promise<void> {
    await this.end(runId, { error: errorString(error) });
  }

  override async handleRetrieverStart(retriever: Serialized, query: string, runId: string, parentRunId?: string, tags?: string[], metadata?: Meta, name?: string): Promise<void> {
    this.start({ id: runId, name: nameOf(retriever, name), run_type: "retriever", parent_run_id: parentRunId, tags: tags ?? [], start_time: Date.now(), inputs: { query }, extra: metadata ? { metadata } : {} });
  }

  override async handleRetrieverEnd(documents: unknown, runId: string): Promise<void> {
    await this.end(runId, { outputs: { documents } });
  }

  override async handleRetrieverError(error: unknown, runId: string): Promise<void> {
    await this.end(runId, { error: errorString(error) });
  }
}
