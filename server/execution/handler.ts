/**
 * The RunHandler: executes one run from its record and reports it through the event log. A
 * function of (deps, job, context) only, so a worker process builds the same deps without Hono.
 *
 * On a retry after a crash (`attempt > 0`) a run that already wrote a checkpoint continues from
 * the thread's last checkpoint (input null) instead of replaying its input; the original input
 * stays in the run record for runs that never got that far.
 */
import { Command, type BaseCheckpointSaver } from "@langchain/langgraph";
import type { Logger } from "../../lib/logger.js";
import { OwnerScopedStore } from "../../memory/index.js";
import { writingThrough, type GraphRegistry, type ServableGraph } from "../graphs/registry.js";
import type { FinishRun, RunKwargs, RunRecord, Storage } from "../records/types.js";
import { LeaseLostError } from "../../lib/errors.js";
import { rollbackThread, wroteCheckpointSince } from "./rollback.js";
import { RunDeferredError } from "./queue/deferral.js";
import type { RunEventLog, RunHandler, RunJob, RunJobContext, RunQueue, RunStatus } from "../../lib/contracts/execution.js";
import { RunStreamMapper } from "./stream-modes.js";
import { inlineStreamCallbacks } from "./inline-callbacks.js";
import { withCheckpointMetadata } from "../../memory/index.js";
import { applyTerminalState, classifyFailure, recordCancellation, runCheckpointMetadata, type Outcome } from "./run-outcome.js";
import type { RunEnd } from "./webhooks.js";
import { untilRedisAnswers } from "./retry.js";

/** Hooks for /metrics (and tracing) around each run. */
export interface RunObserver {
  started?(run: RunRecord): void;
  finished?(run: RunRecord, status: RunStatus, seconds: number): void;
}

/** The tracing of one run (agents/tracing `RunTracing`): config to merge, and `finish` when it ends. */
export interface RunTrace {
  config: { runId: string; callbacks: unknown[]; metadata: Record<string, unknown>; tags: string[] };
  finish(terminalState?: string | null): Promise<unknown>;
}

/** What a handler needs; buildable without the HTTP layer. */
export interface RunHandlerDeps {
  storage: Pick<Storage, "runs" | "threads">;
  graphs: GraphRegistry;
  saver: BaseCheckpointSaver;
  events: RunEventLog;
  /** Where the next run of a thread goes when this one ends. */
  queue: Pick<RunQueue, "enqueue">;
  logger: Logger;
  observer?: RunObserver;
  /** Starts the trace of a run (local steps, LangSmith); absent = untraced. */
  tracing?: (run: RunRecord) => RunTrace;
  /** Records created by this process and enqueued at once: the handler skips reading them back. */
  freshRuns?: Map<string, RunRecord>;
  /** Told when a run has ended and its end is recorded (completion webhooks); must not throw. */
  onRunEnd?: (end: RunEnd) => void;
}

/** The input LangGraph runs: a Command for resume/update/goto, else the input. */
export function graphInput(kwargs: Pick<RunKwargs, "input" | "command">): unknown {
  if (!kwargs.command) return kwargs.input ?? null;
  const { resume, update, goto } = kwargs.command as { resume?: unknown; update?: Record<string, unknown>; goto?: string | string[] };
  return new Command({
    ...(resume !== undefined ? { resume } : {}),
    ...(update !== undefined && update !== null ? { update } : {}),
    ...(goto !== undefined && goto !== null ? { goto: goto as string[] } : {}),
  });
}

function omitUndefined<T extends Record<string, unknown>>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, entry]) => entry !== undefined)) as Partial<T>;
}

/** Builds the handler. */
export function createRunHandler(deps: RunHandlerDeps): RunHandler {
  return async function handleRun(job: RunJob, context: RunJobContext): Promise<RunStatus> {
    const threadId = job.threadId ?? job.runId;
    const fresh = context.attempt === 0 ? deps.freshRuns?.get(job.runId) : undefined;
    deps.freshRuns?.delete(job.runId);
    const run = fresh ?? (await deps.storage.runs.get(threadId, job.runId));
    // Gone (rolled back, thread deleted) or already ended while it waited: nothing to execute.
    if (!run) return "error";
    if (run.status !== "pending" && run.status !== "running") return run.status;
    // A delayed run (after_seconds) that reached its worker early, e.g. queued behind the thread's previous run.
    const dueInMs = Date.parse(run.created_at) - Date.now();
    if (run.status === "pending" && !run.cancel && !context.signal.aborted && dueInMs > 0) throw new RunDeferredError(`run ${run.run_id} starts at ${run.created_at}`, dueInMs);
    return executeRun(deps, run, context);
  };
}

async function streamGraph(graph: ServableGraph, input: unknown, options: Record<string, unknown>, mapper: RunStreamMapper, emit: (event: string, data: unknown) => void, runId: string): Promise<void> {
  if (mapper.needsEvents) {
    for await (const event of graph.streamEvents(input, { ...options, version: "v2" })) for (const mapped of mapper.mapStreamEvent(event, runId)) emit(mapped.event, mapped.data);
    return;
  }
  for await (const chunk of await graph.stream(input, options)) for (const mapped of mapper.map(chunk as unknown[])) emit(mapped.event, mapped.data);
}

async function executeRun(deps: RunHandlerDeps, run: RunRecord, context: RunJobContext): Promise<RunStatus> {
  const { storage, events, logger } = deps;
  const started = performance.now();
  const startedAt = run.started_at ?? new Date().toISOString();
  const threadId = run.thread_id;
  const kwargs = run.kwargs;
  const mapper = new RunStreamMapper(kwargs.stream_mode, kwargs.subgraphs, Boolean(kwargs.interrupt_before || kwargs.interrupt_after));
  // A takeover continues the run's event numbering; a thread's runs are listed for its thread-wide stream.
  // A Redis run store lists the run in its thread's start list with the status change (one command).
  const listed = !kwargs.temporary && storage.runs.listsThreadStarts === true;
  await events.begin(run.run_id, { threadId: kwargs.temporary ? null : threadId, resumed: context.attempt > 0, listed });
  const marking = storage.runs.markRunning(threadId, run.run_id, startedAt, { listStart: listed }).catch(() => undefined);
  deps.observer?.started?.(run);
  let failure: string | undefined;
  const emit = (event: string, data: unknown) => {
    if (event === "error") failure = String((data as { message?: unknown } | null)?.message ?? "the run failed");
    void events.append(run.run_id, event, data);
  };
  emit("metadata", { run_id: run.run_id, attempt: context.attempt + 1 });

  const outcome: Outcome = { status: "success", threadStatus: "idle", rollback: false, handBack: false };
  let interrupts: Record<string, unknown[]> | undefined;
  let trace: RunTrace | undefined;
  let graph: ServableGraph | undefined;
  try {
    if (run.cancel) throw new CancelledBeforeStart();
    const served = await deps.graphs.resolve(kwargs.graph_id, { ...(kwargs.config as Record<string, unknown>), ...(kwargs.context ? { context: kwargs.context } : {}) }, "threads.create_run");
    // A leased run writes through the checkpointer its lease fences; every checkpoint carries the run's metadata.
    // The run sees its owner's part of the store, the part the owner's /store requests see.
    const store = served.store ? new OwnerScopedStore(served.store, run.owner) : undefined;
    graph = writingThrough(served, withCheckpointMetadata(context.checkpointer ?? deps.saver, runCheckpointMetadata(run, context.attempt)), store);
    const continueFromCheckpoint = context.attempt > 0 && (await wroteCheckpointSince(deps.saver, threadId, run.started_at));
    const config = kwargs.config as { configurable?: Record<string, unknown>; recursion_limit?: number; tags?: string[]; metadata?: Record<string, unknown> };
    trace = deps.tracing?.(run);
    const options = omitUndefined({
      // The worker's additions (the tool-call ledger) ride along with the caller's.
      configurable: context.configurable ? { ...config.configurable, ...context.configurable } : config.configurable,
      recursionLimit: config.recursion_limit,
      tags: trace ? [...(config.tags ?? []), ...trace.config.tags] : config.tags,
      metadata: trace ? { ...config.metadata, ...trace.config.metadata } : config.metadata,
      // The trace's root run carries the API's run id, so GET .../runs/:run_id/trace finds it.
      runId: trace?.config.runId,
      runName: trace ? kwargs.graph_id : undefined,
      // Token events go into the graph's stream inline, in order with its steps (inline-callbacks.ts).
      callbacks: mapper.libModes.includes("messages") ? inlineStreamCallbacks(trace?.config.callbacks) : trace?.config.callbacks,
      context: kwargs.context ?? undefined,
      interruptBefore: kwargs.interrupt_before ?? undefined,
      interruptAfter: kwargs.interrupt_after ?? undefined,
      streamMode: mapper.libModes,
      subgraphs: kwargs.subgraphs || undefined,
      signal: context.signal,
    });
    await streamGraph(graph, continueFromCheckpoint ? null : graphInput(kwargs), options, mapper, emit, run.run_id);
    if (context.signal.aborted) throw context.signal.reason ?? new Error("aborted");
    const paused = mapper.lastInterrupts !== undefined || (mapper.lastCheckpoint?.next.length ?? 0) > 0;
    outcome.threadStatus = paused ? "interrupted" : "idle";
    // interrupt() raises after the last checkpoint: read the pending tasks' interrupts once.
    if (paused) interrupts = await pendingInterrupts(graph, threadId);
    else applyTerminalState(mapper.lastValues, outcome, emit);
  } catch (error) {
    classifyFailure(run, context, error, outcome, mapper.lastInterrupts !== undefined, emit, logger);
  }

  await marking;
  if (outcome.handBack) {
    // finish() never throws; a failed run's trace says so, otherwise it keeps what the graph recorded.
    await trace?.finish(outcome.status === "error" ? "failed" : null);
    // Handed back: the run stays first in its thread's queue for a worker to take over; its
    // stream stays open so connected clients keep following it there.
    await handOffEvents(events, run.run_id);
    return outcome.status;
  }
  if (outcome.rollback) {
    await rollbackThread(deps.saver, threadId, startedAt).catch((error: unknown) =>
      logger.error({ err: error, runId: run.run_id, threadId }, "rollback failed; the thread keeps the cancelled run's checkpoints"),
    );
  }
  // A run cancelled once it had started ends `cancelled` in its state too (written while the run still holds the thread).
  const cancelled = outcome.status === "interrupted" && !outcome.rollback && graph !== undefined && mapper.firstValues !== undefined;
  const values = outcome.rollback ? undefined : cancelled ? await recordCancellation(graph!, threadId, mapper.lastValues, logger) : mapper.lastValues;
  // The trace's writes go out with the run's final ones (one round trip); the run's end waits for them.
  const tracing = trace?.finish(outcome.status === "error" ? "failed" : null);
  const finish: FinishRun = {
    status: outcome.status,
    threadStatus: outcome.threadStatus,
    ...(values !== undefined ? { values, interrupts: interrupts ?? {} } : {}),
    ...(outcome.rollback ? { deleteRun: true } : {}),
  };
  // The run writes no more checkpoints: free the thread before its end is announced, in the
  // finish script itself when the lease allows it (one command less).
  const handover = context.releaseThreadWithin?.();
  let next: string | null;
  if (handover) {
    try {
      [next] = await Promise.all([storage.runs.finish(threadId, run.run_id, { ...finish, releaseLease: handover.fence }), tracing]);
      handover.settled(true);
    } catch (error) {
      handover.settled(!(error instanceof LeaseLostError));
      // Not ended: the stream stays open for the worker that takes the run over.
      await handOffEvents(events, run.run_id);
      if (error instanceof LeaseLostError) return "pending";
      throw error;
    }
    await events.finish(run.run_id, { status: outcome.status });
  } else {
    if (context.releaseThread && !(await context.releaseThread())) {
      await tracing;
      await handOffEvents(events, run.run_id);
      return "pending";
    }
    [next] = await Promise.all([storage.runs.finish(threadId, run.run_id, finish), events.finish(run.run_id, { status: outcome.status }), tracing]);
  }
  deps.observer?.finished?.(run, outcome.status, (performance.now() - started) / 1000);
  deps.onRunEnd?.({ run, status: outcome.status, startedAt, values, ...(failure ? { error: failure } : {}) });
  if (kwargs.temporary) await deleteTemporaryThread(deps, run);
  if (next) await untilRedisAnswers(() => deps.queue.enqueue({ runId: next, threadId: kwargs.temporary ? null : threadId, owner: run.owner }), logger, "queueing the thread's next run", { runId: next, threadId });
  return outcome.status;
}

/** Leaves the run's stream open for the worker that resumes the run. */
async function handOffEvents(events: RunEventLog, runId: string): Promise<void> {
  await (events.handOff ? events.handOff(runId) : events.finish(runId)).catch(() => undefined);
}

async function pendingInterrupts(graph: ServableGraph, threadId: string): Promise<Record<string, unknown[]>> {
  const state = (await graph.getState({ configurable: { thread_id: threadId, checkpoint_ns: "" } })) as { tasks?: { id: string; interrupts?: unknown[] }[] };
  const result: Record<string, unknown[]> = {};
  for (const task of state.tasks ?? []) if (task.interrupts && task.interrupts.length > 0) result[task.id] = task.interrupts;
  return result;
}

async function deleteTemporaryThread(deps: RunHandlerDeps, run: RunRecord): Promise<void> {
  const thread = await deps.storage.threads.get(run.thread_id);
  await Promise.all([thread ? deps.storage.threads.delete(thread) : undefined, deps.saver.deleteThread(run.thread_id)]);
}

class CancelledBeforeStart extends Error {
  constructor() {
    super("The run was cancelled before it started.");
    this.name = "CancelledBeforeStart";
  }
}
