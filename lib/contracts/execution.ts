/**
 * The seams between the HTTP API and run execution, so one process can both serve and run
 * (in-process workers) or many API processes can share workers through Redis (`npm run worker`).
 * The API writes a run record, enqueues a `RunJob`, and reads the run's events back from its
 * `RunEventLog`; whichever process dequeues the job executes it with a `RunHandler`.
 * Implementations: in-process (embedded mode) and Redis-backed (queue engine, Redis Streams).
 * Workers that share a thread across processes fence its writes through the checkpointer's
 * `FencedCheckpointing` capability (RedisSaver has it).
 */
import type { BaseCheckpointSaver } from "@langchain/langgraph-checkpoint";

/** Status of a run, as the LangGraph API names it. */
export type RunStatus = "pending" | "running" | "success" | "error" | "timeout" | "interrupted";

/** How a cancellation ends a run: keep what it wrote (`interrupt`) or erase the run (`rollback`). */
export type CancelAction = "interrupt" | "rollback";

/** A unit of work on the queue: the run record (kept in the run store) says what to run. */
export interface RunJob {
  runId: string;
  /** Null for stateless runs. */
  threadId: string | null;
  /** Owner of the run, for isolation checks in the worker. */
  owner: string;
}

/** What the executing process gives a handler for the duration of one job. */
export interface RunJobContext {
  /** Aborted when the run is cancelled (from any process) or the worker drains. */
  signal: AbortSignal;
  /** Why `signal` fired: a user cancel (with its action) or a shutdown that hands the run back. */
  abortReason(): { kind: "cancel"; action: CancelAction } | { kind: "shutdown" } | undefined;
  /** How many times this job was started before (0 on the first attempt; >0 after a crash takeover). */
  attempt: number;
  /** Entries to merge into the run's `configurable` (the tool-call ledger). */
  configurable?: Record<string, unknown>;
  /** The checkpointer this run writes through (fenced by the worker's thread lease); unset = the graph's own. */
  checkpointer?: BaseCheckpointSaver;
  /**
   * Lets go of the thread once the run will write no more checkpoints, before its end is
   * announced, so the thread's next run (often sent the moment this one's result arrives) finds
   * it free. False when the run had lost its hold on the thread meanwhile.
   */
  releaseThread?(): Promise<boolean>;
  /**
   * Like `releaseThread`, but the lease is let go of by the run's final write itself (one script on
   * the thread's slot checks and deletes it: a command and a round trip less per run). Returns the
   * lease's fence for that write, or undefined when the lease is lost already; the lease is no
   * longer renewed from then on. The caller must report `settled(false)` when the write found the
   * lease lost, `settled(true)` otherwise (written, or not sent: the lease then expires by itself).
   */
  releaseThreadWithin?(): { fence: LeaseFence; settled(released: boolean): void } | undefined;
}

/**
 * Executes one run to its end and returns its final status; never throws for run failures.
 * `pending` means the run was handed back unfinished (shutdown, lease lost, Redis away): the queue retries it.
 */
export type RunHandler = (job: RunJob, context: RunJobContext) => Promise<RunStatus>;

/** Queue of runs waiting for a worker. */
export interface RunQueue {
  /** Hands a job to some worker (this process or another); with `delayMs`, not before then (`after_seconds`). */
  enqueue(job: RunJob, options?: { delayMs?: number }): Promise<void>;
  /** Starts consuming jobs in this process with `concurrency` parallel runs. */
  startWorker(handler: RunHandler, options: { concurrency: number }): Promise<void>;
  /** Delivers a cancellation to whichever process runs (or will run) `runId`. */
  cancel(runId: string, action: CancelAction): Promise<void>;
  /**
   * Queues a run the queue has lost (stored pending, but no job and no process has it); true when
   * it did; with `resume`, the run continues from its last checkpoint (a retried dead letter).
   * Absent where runs cannot be lost between storage and queue (the in-process queue).
   */
  recover?(job: RunJob, options?: { resume?: boolean }): Promise<boolean>;
  /** Jobs waiting for a worker (for `/metrics` and readiness). */
  depth(): Promise<number>;
  /** Stops consuming; with `drain`, waits for in-flight runs up to `timeoutMs`, then hands the rest back. */
  close(options?: { drain?: boolean; timeoutMs?: number }): Promise<void>;
}

/** One event of a run's stream, as sent over SSE. */
export interface RunEvent {
  /**
   * The event's number in its run, in the order the run produced them: "0" (`metadata`), "1",
   * "2", …; numbering continues after a takeover by another worker. Clients resume after it.
   */
  id: string;
  /** SSE event name: `metadata`, `values`, `updates`, `messages/partial`, `error`, `end`, …; subgraph events carry `|ns`. */
  event: string;
  data: unknown;
  /** `data` already serialized as JSON (what the SSE frame carries), when the log has it. */
  raw?: string;
}

/** Where a reader starts: after event number `n` (-1 = from the first event), or "now" (only events appended from now on). */
export type EventCursor = number | "now";

/** What the end of a run's events says about the run. */
export interface RunEventsEnd {
  /** The run's final status, when the process that ended the stream knew it. */
  status?: RunStatus;
}

/** One run of a thread in the order the thread's runs started; `position` orders them and resumes after one. */
export interface ThreadRunEntry {
  position: string;
  runId: string;
}

/** Where a follower of a thread's runs starts: the first one retained, at a position (inclusive) or after it. */
export type ThreadRunsFrom = "first" | { at: string } | { after: string };

/** Append-only event log of each run, readable from any process while and after the run. */
export interface RunEventLog {
  /**
   * Starts writing a run's events in this process. `resumed` (a takeover or a retry): numbering
   * continues after the last event written before. With `threadId` the run is recorded as the
   * thread's next run, for the thread-wide stream, unless `listed` (the caller's run store lists
   * it in the same place; a log that keeps its own list ignores that).
   */
  begin(runId: string, options: { threadId: string | null; resumed: boolean; listed?: boolean }): Promise<void>;
  /** Appends an event and returns its id. */
  append(runId: string, event: string, data: unknown): Promise<string>;
  /** Marks the run's stream finished; readers stop after the last event; the log expires later. */
  finish(runId: string, end?: RunEventsEnd): Promise<void>;
  /** Stops holding the run's events in this process without ending its stream (the run was handed to another worker). */
  handOff?(runId: string): Promise<void>;
  /**
   * Events after `after` (from the first when unset), following live until `finish` or `signal`;
   * `onEnd` hears how the stream ended. `isLive` is asked when nothing arrived for a while: false
   * (the run ended and its log expired, or it never started) ends the read.
   */
  read(
    runId: string,
    options: { after?: EventCursor; signal?: AbortSignal; isLive?: () => Promise<boolean>; onEnd?: (end: RunEventsEnd) => void },
  ): AsyncIterable<RunEvent>;
  /** The runs of a thread in the order they started, from `from`, following new ones until `signal`. */
  threadRuns(threadId: string, options: { from: ThreadRunsFrom; signal?: AbortSignal }): AsyncIterable<ThreadRunEntry>;
  /** The thread's run that started last, if any is retained. */
  latestThreadRun(threadId: string): Promise<ThreadRunEntry | undefined>;
}

/** A held thread lease: `holder` may write the thread until it expires or moves; `token` grows with every acquisition. */
export interface ThreadLease {
  readonly threadId: string;
  readonly holder: string;
  readonly token: number;
}

/** Leases on threads: at most one holder at a time, kept alive by renewing within the time to live. */
export interface ThreadLeasing {
  /** Takes the thread's lease for `holder` (or extends it if `holder` has it); undefined while someone else holds it. */
  acquire(threadId: string, holder: string, ttlMs: number): Promise<ThreadLease | undefined>;
  /** Extends a lease; false when it was lost (expired, or taken by another holder). */
  renew(lease: ThreadLease, ttlMs: number): Promise<boolean>;
  /** Gives a lease up; false when it was already lost (then it is left to its new holder). */
  release(lease: ThreadLease): Promise<boolean>;
  /** Who holds the thread now, if anyone. */
  holder(threadId: string): Promise<{ holder: string; token: number } | undefined>;
}

/**
 * A lease as another Redis script checks it, atomically with its own write: the lease holds
 * while the value at `key` starts with `holds`. `key` is tagged with the thread's hash tag
 * (lib/redis-hash-tag.ts), so keys tagged the same way share its cluster slot.
 */
export interface LeaseFence {
  readonly key: string;
  readonly holds: string;
}

/**
 * Fencing, a capability of a checkpointer: the worker running a run takes the thread's lease
 * and writes through `fenced(lease)`; those writes are refused (LeaseLostError) once the lease
 * expired or moved to another holder, so a paused or partitioned worker cannot write after
 * losing its run. A checkpointer without it (MemorySaver) serves a single process.
 */
export interface FencedCheckpointing {
  /** The thread leases whose tokens fence the writes. */
  readonly leases: ThreadLeasing;
  /** The same checkpoints, seen by the lease's holder: its writes are refused once `lease` is lost. */
  fenced(lease: ThreadLease): BaseCheckpointSaver;
  /** The lease's fence, for other writes that must stop with the checkpoints (the tool-call ledger). */
  fence(lease: ThreadLease): LeaseFence;
}

/** Whether a checkpointer offers fencing. */
export function hasFencing(saver: unknown): saver is FencedCheckpointing {
  const candidate = saver as Partial<FencedCheckpointing> | null | undefined;
  return typeof candidate?.fenced === "function" && typeof candidate.fence === "function" && typeof candidate.leases === "object";
}
