/**
 * What the server keeps about assistants, threads and runs, and the storage interface both
 * backends implement (Redis for production, memory for the embedded mode). Records carry the
 * API's snake_case shapes plus the owner, which never leaves the server.
 */
import type { CancelAction, LeaseFence, RunStatus } from "../../lib/contracts/execution.js";
import type { DueSet } from "./due-set.js";
import type { DeadLetterStorage } from "./dead-letters.js";

/** Thread status, as the LangGraph API names it. */
export type ThreadStatus = "idle" | "busy" | "interrupted" | "error";

/** How a new run treats runs already active on its thread. */
export type MultitaskStrategy = "reject" | "interrupt" | "rollback" | "enqueue";

/** An assistant: a graph with a configuration. */
export interface AssistantRecord {
  assistant_id: string;
  graph_id: string;
  config: Record<string, unknown>;
  context: Record<string, unknown>;
  metadata: Record<string, unknown>;
  name: string;
  description: string | null;
  version: number;
  created_at: string;
  updated_at: string;
  /** Null for the assistants the server registers for its graphs (visible to everyone). */
  owner: string | null;
}

/** What happens to a thread idle for `ttl` minutes: deleted, or pruned to its latest checkpoint. */
export interface ThreadTtl {
  strategy: "delete" | "keep_latest";
  /** Minutes of idle time (since the thread was last updated). */
  ttl: number;
}

/** A thread; `values` and `interrupts` are those of its last finished run. */
export interface ThreadRecord {
  thread_id: string;
  created_at: string;
  updated_at: string;
  metadata: Record<string, unknown>;
  config: Record<string, unknown>;
  status: ThreadStatus;
  values: unknown;
  interrupts: Record<string, unknown>;
  owner: string;
  /** The graph and assistant of the thread's last run (needed to read its state). */
  graph_id?: string;
  assistant_id?: string;
  /** The thread's time to live, when created or updated with one. */
  ttl?: ThreadTtl;
}

/** What a run executes; immutable once created (kept for crash takeover). */
export interface RunKwargs {
  input: unknown;
  command: { resume?: unknown; update?: unknown; goto?: unknown } | null;
  config: Record<string, unknown> & { configurable?: Record<string, unknown> };
  context: unknown;
  stream_mode: string[];
  interrupt_before: string[] | "*" | null;
  interrupt_after: string[] | "*" | null;
  subgraphs: boolean;
  /** Where the run's result is POSTed when it ends (server/execution/webhooks.ts). */
  webhook?: string | null;
  /** A stateless run: its thread (id = run id) is deleted after the run unless on_completion=keep. */
  temporary: boolean;
  graph_id: string;
}

/** A run. For stateless runs `thread_id` is the run's own temporary thread. */
export interface RunRecord {
  run_id: string;
  thread_id: string;
  assistant_id: string;
  created_at: string;
  updated_at: string;
  status: RunStatus;
  metadata: Record<string, unknown>;
  multitask_strategy: MultitaskStrategy;
  kwargs: RunKwargs;
  owner: string;
  /** When a worker first started the run (the worker's clock, like the checkpoints it writes). */
  started_at?: string;
  /** A cancellation requested before the worker saw the run. */
  cancel?: CancelAction;
}

/** Outcome of creating a run on a thread. */
export type CreateRunOutcome =
  | { kind: "created"; threadCreated: boolean; inflight: string[] }
  | { kind: "busy"; inflight: string[] }
  | { kind: "no_thread" }
  /** A run created `once` with this id exists or existed (its status, if still stored; whether it is the thread's first active run). */
  | { kind: "exists"; status: RunStatus | undefined; head: boolean };

/** How a run ends, written atomically with the thread's new status. */
export interface FinishRun {
  status: RunStatus;
  /** Thread status when no other run is waiting (else the thread stays busy). */
  threadStatus: ThreadStatus;
  /** The thread's values and interrupts after the run; undefined leaves them. */
  values?: unknown;
  interrupts?: Record<string, unknown>;
  /** Erase the run record (rollback). */
  deleteRun?: boolean;
  /**
   * The run's thread lease, released in the same step (RunJobContext.releaseThreadWithin); when it
   * no longer holds its value nothing is written and `finish` throws LeaseLostError.
   */
  releaseLease?: LeaseFence;
}

/** Assistants. */
export interface AssistantStorage {
  /** Creates the assistant unless one with its id exists; returns the stored one and whether it was created. */
  create(record: AssistantRecord): Promise<{ record: AssistantRecord; created: boolean }>;
  get(id: string): Promise<AssistantRecord | undefined>;
  /** All assistants (they are few); filtering and paging happen in the route. */
  list(): Promise<AssistantRecord[]>;
  /** Replaces the record and appends it to its versions. */
  update(record: AssistantRecord): Promise<void>;
  /** Makes `record` (one of its versions) the current one without adding a version. */
  setCurrent(record: AssistantRecord): Promise<void>;
  delete(id: string): Promise<void>;
  versions(id: string): Promise<AssistantRecord[]>;
}

/** Threads. */
export interface ThreadStorage {
  /** Creates the thread unless it exists; returns the stored one and whether it was created. */
  create(record: ThreadRecord): Promise<{ record: ThreadRecord; created: boolean }>;
  get(id: string): Promise<ThreadRecord | undefined>;
  /** Writes metadata/config/updated_at of an existing thread. */
  patch(id: string, patch: Pick<ThreadRecord, "metadata" | "updated_at"> & Partial<Pick<ThreadRecord, "values" | "config" | "ttl">>): Promise<void>;
  /** Deletes the thread, its runs and their bookkeeping. */
  delete(record: ThreadRecord): Promise<void>;
  /** The owner's threads, newest first. */
  listByOwner(owner: string): Promise<ThreadRecord[]>;
}

/** Runs, with the per-thread queue of active runs that multitask strategies act on atomically. */
export interface RunStorage {
  /**
   * Atomically: checks/creates the thread, applies `reject`, stores the run and appends it to the thread's active runs.
   * `once`: the run's id is created at most once (a cron tick's run), however often this is retried, and
   * even after the run was deleted (remembered for a day); a repeat answers `exists`.
   */
  create(run: RunRecord, options: { ifNotExists: "create" | "reject"; newThread: ThreadRecord; once?: boolean }): Promise<CreateRunOutcome>;
  get(threadId: string, runId: string): Promise<RunRecord | undefined>;
  /** The thread's runs, newest first. */
  list(threadId: string): Promise<RunRecord[]>;
  /**
   * Marks a pending run running and stamps `started_at` (no-op if it is not pending). With
   * `listStart` (only when `listsThreadStarts`) the run is also appended to its thread's start list
   * in the same step, instead of by the event log's `begin` (one command less per run).
   */
  markRunning(threadId: string, runId: string, startedAt: string, options?: { listStart?: boolean }): Promise<void>;
  /** Whether `markRunning` can list the run in the thread's start list the Redis event log follows. */
  readonly listsThreadStarts?: boolean;
  /** Atomically ends the run, leaves the active queue and returns the run that is now first in it. */
  finish(threadId: string, runId: string, finish: FinishRun): Promise<string | null>;
  /** A run still waiting behind another is dropped at once; the first one is flagged (`head`) for its worker. */
  cancel(threadId: string, runId: string, action: CancelAction): Promise<"missing" | "done" | "head" | "removed">;
  /**
   * Undoes a run that was stored but could not be queued (the caller was told so): a still
   * pending run is erased and its thread gets back the status it had; `started` when a worker
   * already has it.
   */
  discard(threadId: string, runId: string): Promise<"discarded" | "started" | "missing">;
  /** Deletes an ended run. */
  delete(threadId: string, runId: string): Promise<void>;
  /** Ids of active runs (first = executing). */
  active(threadId: string): Promise<string[]>;
  /**
   * Puts an ended (`error`) run back at the end of its thread's active runs, pending: `head` when
   * it is first (queue it now), `queued` behind others, `missing`, or `not_failed`.
   */
  requeue(threadId: string, runId: string): Promise<"head" | "queued" | "missing" | "not_failed">;
}

/** A cron: a run created on a schedule, on its thread or on a new thread each time. */
export interface CronRecord {
  cron_id: string;
  assistant_id: string;
  /** The thread every firing runs on; null = a new thread per run. */
  thread_id: string | null;
  /** For a new thread per run: whether it is deleted when the run completes. */
  on_run_completed: "delete" | "keep";
  /** Cron expression (5 fields, or 6 with seconds first). */
  schedule: string;
  /** IANA time zone the expression is read in. */
  timezone: string;
  end_time: string | null;
  enabled: boolean;
  /** The run-create body every firing sends (input, config, webhook, …). */
  payload: Record<string, unknown>;
  metadata: Record<string, unknown>;
  next_run_date: string | null;
  created_at: string;
  updated_at: string;
  owner: string;
}

/** Crons. */
export interface CronStorage {
  /** Stores (creates or replaces) the cron. */
  put(record: CronRecord): Promise<void>;
  get(id: string): Promise<CronRecord | undefined>;
  /** All crons (filtering and paging happen in the route). */
  list(): Promise<CronRecord[]>;
  delete(id: string): Promise<void>;
}

/** The server's storage. */
export interface Storage {
  assistants: AssistantStorage;
  threads: ThreadStorage;
  runs: RunStorage;
  crons: CronStorage;
  /** Threads with a TTL, due when they may have been idle long enough (server/api/threads/ttl.ts). */
  threadExpiry: DueSet;
  /** Runs given up after too many takeovers or failures. */
  deadLetters: DeadLetterStorage;
  /** Whether state survives a restart. */
  durable: boolean;
  /** Round trip to the backend (readiness). */
  ping(): Promise<void>;
  close(): Promise<void>;
}
