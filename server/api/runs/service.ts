/**
 * Creating, cancelling and waiting for runs: the steps the run routes share. The multitask
 * decision happens inside `storage.runs.create` (one Lua script in Redis mode); this module acts
 * on its outcome.
 */
import { v7 as uuid7 } from "@langchain/core/utils/uuid";
import { ConflictError, NotFoundError, UpstreamUnavailableError } from "../../../lib/errors.js";
import { getVisibleAssistant } from "../assistants/service.js";
import type { AppDeps } from "../../deps.js";
import type { RunRecord, ThreadRecord } from "../../records/types.js";
import type { RunCreateBody } from "./schemas.js";
import type { CancelAction } from "../../../lib/contracts/execution.js";
import { discardUnqueuedRun, requeueOrphan } from "./orphans.js";

type Configurable = Record<string, unknown>;

/** Creates a run (thread-bound, or stateless when `threadId` is null) and hands it to the queue when it may start. */
export async function createRun(deps: AppDeps, owner: string, threadId: string | null, body: RunCreateBody, options: { signal?: AbortSignal } = {}): Promise<RunRecord> {
  return (await createRunWith(deps, owner, threadId, body, options)).run;
}

/**
 * Creates the run with id `runId` at most once, however often it is retried (a cron tick's run):
 * true when this call created it. A retry after a creator that stored the run but died before
 * queueing it queues it (recovered only when no queue and no process holds it).
 */
export async function createRunOnce(deps: AppDeps, owner: string, threadId: string | null, body: RunCreateBody, runId: string): Promise<boolean> {
  return !(await createRunWith(deps, owner, threadId, body, { runId })).existed;
}

async function createRunWith(deps: AppDeps, owner: string, threadId: string | null, body: RunCreateBody, options: { signal?: AbortSignal; runId?: string }): Promise<{ run: RunRecord; existed: boolean }> {
  if (deps.draining?.()) throw new UpstreamUnavailableError("server", "createRun", "The server is shutting down; retry on another replica.", { retryAfterSeconds: 2 });
  const assistant = await getVisibleAssistant(deps, owner, body.assistant_id, "run");
  deps.graphs.get(assistant.graph_id);
  const runId = options.runId ?? uuid7();
  const stateless = threadId === null;
  const temporary = stateless && (body.on_completion ?? "delete") === "delete";
  const effectiveThread = threadId ?? runId;
  const now = new Date().toISOString();
  // A delayed run (after_seconds) is created pending now and carries its start time as created_at, like the reference.
  const delayMs = Math.round((body.after_seconds ?? 0) * 1000);
  const assistantConfig = assistant.config as { configurable?: Configurable };
  const configurable: Configurable = {
    ...assistantConfig.configurable,
    ...body.config?.configurable,
    ...(body.checkpoint_id ? { checkpoint_id: body.checkpoint_id } : {}),
    ...(body.checkpoint ? Object.fromEntries(Object.entries(body.checkpoint).filter(([, value]) => value !== null && value !== undefined)) : {}),
    thread_id: effectiveThread,
    run_id: runId,
    graph_id: assistant.graph_id,
    assistant_id: assistant.assistant_id,
    // The run's owner is the caller: a client cannot reach another owner's memory through user_id.
    user_id: deps.apiKeys ? owner : ((body.config?.configurable?.user_id as string | undefined) ?? owner),
  };
  const streamMode = body.stream_mode == null ? ["values"] : Array.isArray(body.stream_mode) ? body.stream_mode : [body.stream_mode];
  const run: RunRecord = {
    run_id: runId,
    thread_id: effectiveThread,
    assistant_id: assistant.assistant_id,
    created_at: delayMs > 0 ? new Date(Date.now() + delayMs).toISOString() : now,
    updated_at: now,
    status: "pending",
    metadata: body.metadata ?? {},
    multitask_strategy: body.multitask_strategy ?? "reject",
    owner,
    kwargs: {
      input: body.input ?? null,
      command: body.command ?? null,
      ...(body.webhook ? { webhook: body.webhook } : {}),
      config: { ...assistant.config, ...body.config, configurable, metadata: { ...body.config?.metadata, ...body.metadata } },
      context: body.context ?? assistant.context ?? null,
      stream_mode: [...new Set(streamMode)],
      interrupt_before: body.interrupt_before ?? null,
      interrupt_after: body.interrupt_after ?? null,
      subgraphs: body.stream_subgraphs ?? false,
      temporary,
      graph_id: assistant.graph_id,
    },
  };
  const newThread: ThreadRecord = {
    thread_id: effectiveThread,
    created_at: now,
    updated_at: now,
    // As the reference: a thread the run creates carries the run's metadata (a project's Auth writes its owner there).
    metadata: { graph_id: assistant.graph_id, assistant_id: assistant.assistant_id, ...body.metadata },
    config: {},
    status: "idle",
    values: null,
    interrupts: {},
    owner,
  };
  const outcome = await deps.storage.runs.create(run, { ifNotExists: stateless ? "create" : (body.if_not_exists ?? "reject"), newThread, ...(options.runId ? { once: true } : {}) });
  if (outcome.kind === "exists") {
    // Its creator stored it and died before queueing it (a failed queueing is undone, marker included).
    if (outcome.status === "pending" && outcome.head) await deps.queue.recover?.({ runId, threadId: stateless ? null : effectiveThread, owner });
    return { run, existed: true };
  }
  if (outcome.kind === "no_thread") throw new NotFoundError("thread", effectiveThread, { message: `Thread with ID ${effectiveThread} not found` });
  if (outcome.kind === "busy") {
    await requeueOrphan(deps, effectiveThread, outcome.inflight[0]!);
    throw new ConflictError(`Thread is already running a task. Wait for it to finish or choose a different multitask strategy (interrupt, rollback or enqueue). Thread ${effectiveThread} is busy with run ${outcome.inflight[0]}.`);
  }
  try {
    // The caller was already told the request failed (the Redis deadline passed): undo, do not queue.
    if (options.signal?.aborted) throw options.signal.reason ?? new UpstreamUnavailableError("redis", "createRun", "Redis did not answer in time.");
    if (outcome.inflight.length === 0) {
      // A delayed run is read back when due: by then it may have been cancelled.
      if (delayMs === 0) deps.freshRuns?.set(runId, run);
      await deps.queue.enqueue({ runId, threadId: stateless ? null : effectiveThread, owner }, delayMs > 0 ? { delayMs } : {});
      // Queued only after the caller was told 503 (Redis came back meanwhile): take it back.
      if (options.signal?.aborted) {
        await cancelRun(deps, effectiveThread, runId, "rollback", { ignoreMissing: true });
        throw options.signal.reason;
      }
    } else if (run.multitask_strategy === "interrupt" || run.multitask_strategy === "rollback") {
      for (const previous of outcome.inflight) await cancelRun(deps, effectiveThread, previous, run.multitask_strategy, { ignoreMissing: true });
    }
  } catch (error) {
    deps.freshRuns?.delete(runId);
    // Stored but not queued: a run nobody will execute would hold its thread for good.
    if ((await discardUnqueuedRun(deps, effectiveThread, runId)) !== "started") throw error;
  }
  deps.metrics.runsCreated.inc({ strategy: run.multitask_strategy });
  return { run, existed: false };
}

/** Cancels a run: a waiting one is dropped at once, a running one is aborted by its worker. */
export async function cancelRun(deps: AppDeps, threadId: string, runId: string, action: CancelAction, options: { ignoreMissing?: boolean } = {}): Promise<void> {
  const outcome = await deps.storage.runs.cancel(threadId, runId, action);
  if (outcome === "missing" && !options.ignoreMissing) throw new NotFoundError("run", runId, { message: "Run not found" });
  if (outcome === "head") await deps.queue.cancel(runId, action);
  // A run dropped before it started: end its event stream so waiting readers return.
  if (outcome === "removed") await deps.events.finish(runId, { status: "interrupted" });
}

/** Whether a run is still pending or running. */
export async function isRunLive(deps: Pick<AppDeps, "storage">, threadId: string, runId: string): Promise<boolean> {
  const run = await deps.storage.runs.get(threadId, runId);
  return run !== undefined && (run.status === "pending" || run.status === "running");
}

/** Follows a run to its end; returns its last values, `{ __error__ }` after a failure, else the thread's values. */
export async function waitForRun(deps: AppDeps, threadId: string, runId: string, signal?: AbortSignal): Promise<string> {
  let last: string | undefined;
  for await (const event of deps.events.read(runId, { ...(signal ? { signal } : {}), isLive: () => isRunLive(deps, threadId, runId) })) {
    if (event.event === "values") last = event.raw ?? JSON.stringify(event.data ?? null);
    else if (event.event === "error") last = `{"__error__":${event.raw ?? JSON.stringify(event.data ?? null)}}`;
  }
  if (last !== undefined) return last;
  const thread = await deps.storage.threads.get(threadId);
  return JSON.stringify(thread?.values ?? null);
}
