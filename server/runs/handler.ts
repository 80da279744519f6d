/**
 * The RunHandler: executes one run from its record and reports it through the event log. A
 * function of (deps, job, context) only, so a worker process builds the same deps without Hono.
 *
 * On a retry after a crash (`attempt > 0`) a run that already wrote a checkpoint continues from
 * the thread's last checkpoint (input null) instead of replaying its input; the original input
 * stays in the run record for runs that never got that far.
 */
import { Command, type BaseCheckpointSaver } from "@langchain/langgraph";
import { LeaseLostError, UpstreamUnavailableError } from "../../lib/errors.js";
import type { Logger } from "../../lib/logger.js";
import type { GraphRegistry } from "../graphs/registry.js";
import type { RunKwargs, RunRecord, Storage, ThreadStatus } from "../storage/types.js";
import { rollbackThread } from "./rollback.js";
import type { RunEventLog, RunHandler, RunJob, RunJobContext, RunQueue, RunStatus } from "./seams.js";
import { serializeError } from "./serialize.js";
import { RunStreamMapper } from "./stream-modes.js";

/** Hooks for /metrics (and tracing) around each run. */
export interface RunObserver {
  started?(run: RunRecord): void;
  finished?(run: RunRecord, status: RunStatus, seconds: number): void;
  /** Extra LangChain callbacks for the run (token and tool-call counters). */
  callbacks?(run: RunRecord): unknown[];
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
    const run = await deps.storage.runs.get(threadId, job.runId);
    // Gone (rolled back, thread deleted) or already ended while it waited: nothing to execute.
    if (!run) return "error";
    if (run.status !== "pending" && run.status !== "running") return run.status;
    return executeRun(deps, run, context);
  };
}

async function executeRun(deps: RunHandlerDeps, run: RunRecord, context: RunJobContext): Promise<RunStatus> {
  const { storage, events, logger } = deps;
  const started = performance.now();
  const threadId = run.thread_id;
  const kwargs = run.kwargs;
  const mapper = new RunStreamMapper(kwargs.stream_mode, kwargs.subgraphs);
  const marking = storage.runs.markRunning(threadId, run.run_id);
  deps.observer?.started?.(run);
  void events.append(run.run_id, "metadata", { run_id: run.run_id, attempt: context.attempt });

  let status: RunStatus = "success";
  let threadStatus: ThreadStatus = "idle";
  let rollback = false;
  let handBack = false;
  let failure: unknown;
  let interrupts: Record<string, unknown[]> | undefined;
  try {
    if (run.cancel) throw new CancelledBeforeStart();
    const { graph } = deps.graphs.get(kwargs.graph_id);
    const continueFromCheckpoint = context.attempt > 0 && run.pre_checkpoint !== undefined;
    const input = continueFromCheckpoint ? null : graphInput(kwargs);
    const config = kwargs.config as { configurable?: Record<string, unknown>; recursion_limit?: number; tags?: string[]; metadata?: Record<string, unknown> };
    const callbacks = deps.observer?.callbacks?.(run);
    const options = omitUndefined({
      // The worker's additions (fencing token, tool-call ledger) ride along with the caller's.
      configurable: context.configurable ? { ...config.configurable, ...context.configurable } : config.configurable,
      recursionLimit: config.recursion_limit,
      tags: config.tags,
      metadata: config.metadata,
      context: kwargs.context ?? undefined,
      interruptBefore: kwargs.interrupt_before ?? undefined,
      interruptAfter: kwargs.interrupt_after ?? undefined,
      callbacks: callbacks && callbacks.length > 0 ? callbacks : undefined,
      streamMode: mapper.libModes,
      subgraphs: kwargs.subgraphs,
      signal: context.signal,
      runId: run.run_id,
    });
    let recorded = run.pre_checkpoint !== undefined;
    const onEvents = (mapped: { event: string; data: unknown }[]) => {
      for (const { event, data } of mapped) void events.append(run.run_id, event, data);
      if (!recorded && mapper.preCheckpoint !== undefined) {
        recorded = true;
        void storage.runs.recordPreCheckpoint(threadId, run.run_id, mapper.preCheckpoint).catch(() => undefined);
      }
    };
    if (mapper.needsEvents) {
      for await (const event of graph.streamEvents(input, { ...options, version: "v2" })) onEvents(mapper.mapStreamEvent(event, run.run_id));
    } else {
      for await (const chunk of await graph.stream(input, options)) onEvents(mapper.map(chunk as unknown[]));
    }
    if (context.signal.aborted) throw context.signal.reason ?? new Error("aborted");
    threadStatus = (mapper.lastCheckpoint?.next.length ?? 0) > 0 ? "interrupted" : "idle";
    // interrupt() raises after the last checkpoint event: read the pending tasks' interrupts once.
    if (threadStatus === "interrupted") interrupts = await pendingInterrupts(graph, threadId);
  } catch (error) {
    const reason = run.cancel ? { kind: "cancel" as const, action: run.cancel } : context.abortReason();
    if (reason?.kind === "cancel") {
      status = "interrupted";
      rollback = reason.action === "rollback";
      threadStatus = (mapper.lastCheckpoint?.next.length ?? 0) > 0 ? "interrupted" : "idle";
    } else if (reason?.kind === "shutdown" || error instanceof LeaseLostError || (error instanceof UpstreamUnavailableError && error.upstream === "redis")) {
      // Shutting down, another worker took the run over (this one lost its lease), or Redis went
      // away mid-run: write nothing more; the queue retries the run from its last checkpoint.
      handBack = true;
      status = "pending";
    } else {
      status = "error";
      threadStatus = "error";
      failure = error;
      void events.append(run.run_id, "error", serializeError(error));
      logger.warn({ err: error, runId: run.run_id, threadId }, "run failed");
    }
  }

  await marking.catch(() => undefined);
  if (handBack) {
    // Shutting down: the run stays first in its thread's queue for a worker to take over; its
    // stream stays open so connected clients keep following it there.
    await (events.handOff ? events.handOff(run.run_id) : events.finish(run.run_id)).catch(() => undefined);
    return status;
  }
  if (rollback) {
    await rollbackThread(deps.saver, threadId, mapper.preCheckpoint ?? run.pre_checkpoint).catch((error: unknown) =>
      logger.error({ err: error, runId: run.run_id, threadId }, "rollback failed; the thread keeps the cancelled run's checkpoints"),
    );
  }
  const values = rollback ? undefined : (mapper.lastCheckpoint?.values ?? mapper.lastValues);
  const [next] = await Promise.all([
    storage.runs.finish(threadId, run.run_id, {
      status,
      threadStatus,
      ...(values !== undefined ? { values, interrupts: interrupts ?? mapper.interrupts() } : {}),
      ...(rollback ? { deleteRun: true } : {}),
    }),
    events.finish(run.run_id),
  ]);
  deps.observer?.finished?.(run, status, (performance.now() - started) / 1000);
  if (failure === undefined && status === "success") logger.debug({ runId: run.run_id, threadId }, "run succeeded");
  if (kwargs.temporary) await deleteTemporaryThread(deps, run);
  if (next) await deps.queue.enqueue({ runId: next, threadId: kwargs.temporary ? null : threadId, owner: run.owner });
  return status;
}

async function pendingInterrupts(graph: { getState(config: unknown): Promise<{ tasks?: { id: string; interrupts?: unknown[] }[] }> }, threadId: string): Promise<Record<string, unknown[]>> {
  const state = await graph.getState({ configurable: { thread_id: threadId, checkpoint_ns: "" } });
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
