/**
 * `RunQueue` on BullMQ: jobs in Redis, any number of API processes enqueue, any number of worker
 * processes consume. BullMQ gives the lease on each job (a lock renewed while the worker lives;
 * a crashed worker's job is found stalled and handed to another worker), concurrency and graceful
 * close. On top: cross-process cancellation (cancel-channel.ts), hand-back on shutdown, deferral
 * of runs whose thread is busy, and the attempt count a handler needs to resume instead of restart.
 * A process with a free slot runs what it enqueues itself, without the hop (local-runs.ts).
 *
 * Redis Cluster: every key of the queue carries one hash tag (`{<prefix>runs}`), as BullMQ
 * requires, so the queue lives in one slot; the runs' own data is spread by thread.
 */
import { DelayedError, Queue, WaitingError, Worker, type Job } from "bullmq";
import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import { silentLogger, type Logger } from "../../../lib/logger.js";
import type { CancelAction, RunHandler, RunJob, RunJobContext, RunQueue, RunStatus } from "../../../lib/contracts/execution.js";
import { forgetCancel, publishCancel, rememberedCancel, subscribeCancels, cancelKeys } from "./cancel-channel.js";
import { openQueueConnection, type QueueConnection, type QueueRedisOptions } from "./connection.js";
import { RunDeferredError } from "./deferral.js";
import { isRegisteredLocally, LocalRunRegistry } from "./local-runs.js";

/** Settings of the BullMQ run queue. */
export interface BullMqRunQueueOptions extends QueueRedisOptions {
  /** Switchboard's key prefix (`REDIS_KEY_PREFIX`); the queue lives under `{<prefix>runs}`. */
  keyPrefix?: string;
  /** How long a job stays locked without a renewal before another worker may take it (default 15 s). */
  lockDurationMs?: number;
  /** How often workers look for stalled jobs (default: the lock duration). */
  stalledIntervalMs?: number;
  /** Takeovers allowed per run (its worker stopped: crashed, or lost its lease); one more and it is dead-lettered (default 3). */
  maxTakeovers?: number;
  /** Called instead of the handler when a run would be taken over more than `maxTakeovers` times. */
  onDeadLetter?: (job: RunJob, info: { reason: string; takeovers: number }) => Promise<void>;
  /** How often a worker re-reads remembered cancels of its runs, in case a message was missed (default 2 s). */
  cancelSweepMs?: number;
  logger?: Logger;
  /** Called when a job is given up (too many takeovers or retries), so the run can be marked failed. */
  onAbandoned?: (job: RunJob, reason: string) => Promise<void> | void;
  /** Called synchronously when a run will execute in this process (before `enqueue` resolves). */
  onLocalRun?: (job: RunJob) => void;
  /** Called when a run goes to the shared queue instead (another process may take it). */
  onQueued?: (job: RunJob) => void;
  /** Called when a run that was to execute here goes to the shared queue after all (deferred, handed back). */
  onRequeued?: (job: RunJob) => Promise<void>;
  /** Run jobs enqueued here in this process when it has a free slot (default true); see local-runs.ts. */
  localFastPath?: boolean;
}

type AbortReason = ReturnType<RunJobContext["abortReason"]>;

interface ActiveRun {
  controller: AbortController;
  reason: AbortReason;
}

interface JobData extends RunJob {
  /** Times the job was put back before its handler ran (not attempts of the run). */
  deferrals?: number;
  /** The run already started in some process (it ran locally there): resume, do not restart. */
  takeover?: boolean;
}

const JOB_OPTIONS = {
  removeOnComplete: true,
  removeOnFail: { age: 24 * 3600 },
  // Handlers return a status for run failures; a throw is an infrastructure failure (Redis away) worth retrying.
  attempts: 20,
  backoff: { type: "exponential", delay: 500 },
} as const;

const QUEUE_NAME = "runs";
/** When a run handed back by its handler (e.g. Redis went away mid-run) is tried again. */
const HANDED_BACK_RETRY_MS = 1_000;
/** Times a run handed back by a Redis outage is resumed in place before it goes back to the queue. */
const PROMPT_RESUMES = 3;

/** The hash-tagged BullMQ prefix for a Switchboard key prefix. */
export function queuePrefixFor(keyPrefix: string): string {
  return `{${keyPrefix}runs}`;
}

/** A RunQueue on BullMQ; see the module comment. */
export class BullMqRunQueue implements RunQueue {
  /** This process's worker identity, also used as the thread-lease holder prefix. */
  readonly workerId = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  private readonly prefix: string;
  private readonly logger: Logger;
  private readonly producer: QueueConnection;
  private readonly queue: Queue<JobData>;
  private readonly active = new Map<string, ActiveRun>();
  private worker: Worker<JobData> | undefined;
  private workerConnection: QueueConnection | undefined;
  private stopCancels: (() => Promise<void>) | undefined;
  private sweepTimer: NodeJS.Timeout | undefined;
  private closing = false;
  private handler: RunHandler | undefined;
  private concurrency = 0;
  private local: LocalRunRegistry | undefined;
  private readonly localRuns = new Set<Promise<void>>();

  constructor(private readonly options: BullMqRunQueueOptions) {
    this.prefix = queuePrefixFor(options.keyPrefix ?? "sb:");
    this.logger = options.logger ?? silentLogger();
    this.producer = openQueueConnection(options, "producer");
    this.producer.on("error", (error: Error) => this.logger.debug({ err: error }, "run queue connection error"));
    this.queue = new Queue<JobData>(QUEUE_NAME, { connection: this.producer, prefix: this.prefix });
    this.queue.on("error", (error: Error) => this.logger.debug({ err: error }, "run queue error"));
  }

  private get maxTakeovers(): number {
    return this.options.maxTakeovers ?? 3;
  }

  /** Runs executing in this process now. */
  get activeCount(): number {
    return this.active.size;
  }

  /** Whether this process consumes jobs. */
  get consuming(): boolean {
    return this.worker !== undefined && !this.closing;
  }

  /**
   * Runs the job here when this process has a free slot (registered for takeover first), else
   * queues it. BullMQ does not count local runs, so a process runs at most twice its concurrency.
   */
  async enqueue(job: RunJob, options: { delayMs?: number } = {}): Promise<void> {
    const delayMs = Math.max(0, Math.round(options.delayMs ?? 0));
    if (delayMs === 0 && this.local && this.handler && !this.closing && this.active.size < this.concurrency) {
      const handler = this.handler;
      const local = this.local;
      await local.register(job);
      this.options.onLocalRun?.(job);
      const running = this.runLocally(job, handler, local).finally(() => this.localRuns.delete(running));
      this.localRuns.add(running);
      return;
    }
    this.options.onQueued?.(job);
    // A delayed run waits in BullMQ's delayed set: any process runs it when it is due.
    await this.add(job, delayMs > 0 ? { delayMs } : {});
  }

  private async add(job: RunJob, options: { delayMs?: number; takeover?: boolean } = {}): Promise<void> {
    const data: JobData = { runId: job.runId, threadId: job.threadId, owner: job.owner, ...(options.takeover ? { takeover: true } : {}) };
    await this.queue.add(QUEUE_NAME, data, { ...JOB_OPTIONS, jobId: job.runId, ...(options.delayMs ? { delay: options.delayMs } : {}) });
  }

  /**
   * Queues a run the queue has lost: no job in BullMQ (or only a failed one), not running here and
   * not registered as running in any process. True when it was queued.
   */
  async recover(job: RunJob, options: { resume?: boolean } = {}): Promise<boolean> {
    if (this.active.has(job.runId)) return false;
    const existing = await this.queue.getJob(job.runId);
    if (existing && !(await existing.isFailed())) return false;
    if (await isRegisteredLocally(await this.queue.waitUntilReady().then(() => this.producer), this.prefix, job)) return false;
    await existing?.remove();
    this.options.onQueued?.(job);
    await this.add(job, options.resume ? { takeover: true } : {});
    return true;
  }

  async startWorker(handler: RunHandler, options: { concurrency: number }): Promise<void> {
    if (this.worker) throw new Error("BullMqRunQueue.startWorker: this queue already has a worker.");
    const lockDuration = this.options.lockDurationMs ?? 15_000;
    this.workerConnection = openQueueConnection({ ...this.options, name: "switchboard-queue-worker" }, "worker");
    this.workerConnection.on("error", (error: Error) => this.logger.debug({ err: error }, "run worker connection error"));
    const subscriber = openQueueConnection({ ...this.options, name: "switchboard-queue-cancels" }, "worker");
    subscriber.on("error", (error: Error) => this.logger.debug({ err: error }, "cancel subscriber error"));
    this.stopCancels = await subscribeCancels(subscriber, this.prefix, (runId, action) => this.abortLocal(runId, { kind: "cancel", action }));
    this.worker = new Worker<JobData>(QUEUE_NAME, (job, token) => this.process(job, token, handler), {
      connection: this.workerConnection,
      prefix: this.prefix,
      concurrency: options.concurrency,
      lockDuration,
      stalledInterval: this.options.stalledIntervalMs ?? lockDuration,
      // One more than we allow, so BullMQ hands the job to process() (which dead-letters it) instead of failing it unseen.
      maxStalledCount: this.maxTakeovers + 1,
      name: this.workerId,
    });
    this.worker.on("error", (error: Error) => this.logger.warn({ err: error }, "run worker error"));
    this.handler = handler;
    this.concurrency = options.concurrency;
    if (this.options.localFastPath ?? true) {
      this.local = new LocalRunRegistry(() => this.queue.waitUntilReady().then(() => this.producer), this.prefix, { leaseMs: lockDuration, takeOver: (job) => this.add(job, { takeover: true }), logger: this.logger });
      this.local.start();
    }
    this.worker.on("failed", (job, error) => {
      if (!job || job.attemptsMade < (job.opts.attempts ?? 1)) return;
      this.logger.error({ err: error, runId: job.data.runId }, "run abandoned by the queue");
      void Promise.resolve(this.options.onAbandoned?.(job.data, error.message)).catch(() => {});
    });
    const sweepMs = this.options.cancelSweepMs ?? 2_000;
    this.sweepTimer = setInterval(() => void this.sweepCancels(), sweepMs);
    this.sweepTimer.unref();
    await this.worker.waitUntilReady();
  }

  async cancel(runId: string, action: CancelAction): Promise<void> {
    this.abortLocal(runId, { kind: "cancel", action });
    await publishCancel(this.producer, this.prefix, runId, action);
    // A run still waiting for its time (after_seconds) ends now instead of when it is due.
    const job = await this.queue.getJob(runId);
    if (job && (await job.isDelayed())) await job.promote().catch(() => undefined);
  }

  async depth(): Promise<number> {
    const counts = await this.queue.getJobCounts("wait", "prioritized", "delayed", "paused");
    return Object.values(counts).reduce((sum, count) => sum + count, 0);
  }

  /** Pings the queue's Redis (readiness). */
  async ping(): Promise<boolean> {
    try {
      return (await this.producer.ping()) === "PONG";
    } catch {
      return false;
    }
  }

  async close(options: { drain?: boolean; timeoutMs?: number } = {}): Promise<void> {
    this.closing = true;
    if (this.sweepTimer) clearInterval(this.sweepTimer);
    if (this.worker) {
      const worker = this.worker;
      const closed = worker.close();
      const timeoutMs = options.timeoutMs ?? 30_000;
      if (!options.drain) this.handBackAll();
      // Drain: give in-flight runs until the timeout, then hand them back. Either way, a handler
      // that ignores its abort signal cannot hold the process: force-close after another timeout.
      const handBack = options.drain ? setTimeout(() => this.handBackAll(), timeoutMs) : undefined;
      const force = setTimeout(() => void worker.close(true), (options.drain ? 2 : 1) * timeoutMs);
      // Local runs end like queued ones; one that ignores its abort signal is left to its registry entry.
      const locals = Promise.race([Promise.all(this.localRuns), new Promise((resolve) => setTimeout(resolve, (options.drain ? 2 : 1) * timeoutMs).unref())]);
      await Promise.all([closed, locals]).finally(() => {
        clearTimeout(handBack);
        clearTimeout(force);
      });
      await this.local?.stop();
      await this.stopCancels?.();
      this.workerConnection?.disconnect();
    }
    await this.queue.close();
    this.producer.disconnect();
  }

  private handBackAll(): void {
    for (const runId of this.active.keys()) this.abortLocal(runId, { kind: "shutdown" });
  }

  private abortLocal(runId: string, reason: NonNullable<AbortReason>): void {
    const run = this.active.get(runId);
    if (!run || run.controller.signal.aborted) return;
    run.reason = reason;
    run.controller.abort(reason);
  }

  /** Re-reads the remembered cancels of local runs (one MGET: the keys share the queue's slot). */
  private async sweepCancels(): Promise<void> {
    const runIds = [...this.active.keys()];
    if (runIds.length === 0) return;
    try {
      const keys = cancelKeys(this.prefix);
      const values = await this.producer.mget(...runIds.map(keys.key));
      values.forEach((value, index) => {
        if (value === "interrupt" || value === "rollback") this.abortLocal(runIds[index]!, { kind: "cancel", action: value });
      });
    } catch (error) {
      this.logger.debug({ err: error }, "cancel sweep failed; retrying on the next tick");
    }
  }

  private async process(job: Job<JobData>, token: string | undefined, handler: RunHandler): Promise<string> {
    const { runId } = job.data;
    const run: ActiveRun = { controller: new AbortController(), reason: undefined };
    // A function, not a narrowed field: callbacks (cancel messages, close) change it while we await.
    const reason = (): AbortReason => run.reason;
    this.active.set(runId, run);
    try {
      if (this.closing) this.abortLocal(runId, { kind: "shutdown" });
      const remembered = await rememberedCancel(this.producer, this.prefix, runId);
      if (remembered) this.abortLocal(runId, { kind: "cancel", action: remembered });
      if (reason()?.kind === "shutdown") return await this.handBack(job, token);
      // BullMQ counts the times a job's lock expired (its worker died or stalled); a local run's first takeover is the flag.
      const takeovers = job.stalledCounter + (job.data.takeover ? 1 : 0);
      if (takeovers > this.maxTakeovers && this.options.onDeadLetter) {
        const why = `its worker stopped (crashed, was killed, or lost its lease) ${takeovers} times while running it; more than RUN_MAX_TAKEOVERS (${this.maxTakeovers}) takeovers are not attempted`;
        this.logger.error({ runId, takeovers }, "run dead-lettered");
        await this.options.onDeadLetter({ runId, threadId: job.data.threadId, owner: job.data.owner }, { reason: `The run was dead-lettered: ${why}. Inspect it, then retry or discard it through /runs/dead_letters.`, takeovers });
        return "error";
      }
      const attempt = Math.max(job.data.takeover ? 1 : 0, job.attemptsStarted - 1 - (job.data.deferrals ?? 0));
      const job_: RunJob = { runId, threadId: job.data.threadId, owner: job.data.owner };
      const status = await this.resumingPromptly(() => handler(job_, { signal: run.controller.signal, abortReason: reason, attempt }), (resumes) =>
        handler(job_, { signal: run.controller.signal, abortReason: reason, attempt: attempt + resumes }), reason);
      if (reason()?.kind === "shutdown") return await this.handBack(job, token);
      if (status === "pending") throw new RunDeferredError(`run ${runId} was handed back unfinished`, HANDED_BACK_RETRY_MS, { started: true });
      if (reason()?.kind === "cancel") await forgetCancel(this.producer, this.prefix, runId).catch(() => {});
      return status;
    } catch (error) {
      if (error instanceof RunDeferredError) {
        try {
          if (!error.options.started) await job.updateData({ ...job.data, deferrals: (job.data.deferrals ?? 0) + 1 });
          await job.moveToDelayed(Date.now() + error.retryAfterMs, token);
        } catch (moveError) {
          // The lock was lost (the job was taken over): the job is already elsewhere.
          this.logger.debug({ err: moveError, runId }, "deferral skipped");
        }
        throw new DelayedError(error.message);
      }
      throw error;
    } finally {
      this.active.delete(runId);
    }
  }

  /**
   * Executes a registered run here. Whatever keeps it from finishing goes to the shared queue as
   * a BullMQ job would: a deferral after its delay, a hand-back (shutdown, lost lease) or an
   * infrastructure failure as a takeover. The registry entry goes only once the queue has the job,
   * so a failure to queue leaves the run to the sweep.
   */
  private async runLocally(job: RunJob, handler: RunHandler, local: LocalRunRegistry): Promise<void> {
    const run: ActiveRun = { controller: new AbortController(), reason: undefined };
    const reason = (): AbortReason => run.reason;
    this.active.set(job.runId, run);
    let requeue: { delayMs?: number; takeover?: boolean } | undefined;
    try {
      const status = await this.resumingPromptly(() => handler(job, { signal: run.controller.signal, abortReason: reason, attempt: 0 }), (resumes) =>
        handler(job, { signal: run.controller.signal, abortReason: reason, attempt: resumes }), reason);
      if (reason()?.kind === "shutdown") requeue = { takeover: true };
      else if (status === "pending") requeue = { takeover: true, delayMs: HANDED_BACK_RETRY_MS };
      else if (reason()?.kind === "cancel") await forgetCancel(this.producer, this.prefix, job.runId).catch(() => {});
    } catch (error) {
      requeue = error instanceof RunDeferredError ? { delayMs: error.retryAfterMs, takeover: error.options.started ?? false } : { delayMs: HANDED_BACK_RETRY_MS, takeover: true };
      if (!(error instanceof RunDeferredError)) this.logger.warn({ err: error, runId: job.runId }, "local run failed; handing it to the queue");
    } finally {
      this.active.delete(job.runId);
    }
    try {
      if (requeue) {
        this.options.onQueued?.(job);
        await this.options.onRequeued?.(job);
        await this.add(job, requeue);
      }
      local.release(job.runId);
    } catch (error) {
      local.abandon(job.runId);
      this.logger.warn({ err: error, runId: job.runId }, "could not settle a local run in Redis; the registry sweep will recover it");
    }
  }

  /**
   * Runs a handler; when it hands the run back unfinished (Redis went away mid-run) and nobody
   * asked it to stop, waits for Redis to answer and resumes the run here at once, from its last
   * checkpoint, instead of leaving it to a takeover when its lease expires. Gives up (hands back)
   * after a lease's time without Redis, or if the resumed run is handed back again each time.
   */
  private async resumingPromptly(first: () => Promise<RunStatus>, resume: (resumes: number) => Promise<RunStatus>, reason: () => AbortReason): Promise<RunStatus> {
    let status = await first();
    for (let resumes = 1; status === "pending" && reason() === undefined && !this.closing && resumes <= PROMPT_RESUMES; resumes++) {
      if (!(await this.redisAnswers(this.options.lockDurationMs ?? 15_000))) break;
      this.logger.info({ resumes }, "Redis answers again: resuming a handed-back run here");
      status = await resume(resumes);
    }
    return status;
  }

  /** Pings the queue's Redis until it answers (true) or `withinMs` passes (false). */
  private async redisAnswers(withinMs: number): Promise<boolean> {
    const until = Date.now() + withinMs;
    while (Date.now() < until && !this.closing) {
      if (await this.ping()) return true;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    return false;
  }

  /** Puts a job back to waiting so another worker resumes it from its last checkpoint. */
  private async handBack(job: Job<JobData>, token: string | undefined): Promise<never> {
    try {
      await job.moveToWait(token);
    } catch (error) {
      // The lock was already lost (the job was taken over): nothing to hand back.
      this.logger.debug({ err: error, runId: job.data.runId }, "hand-back skipped");
    }
    throw new WaitingError();
  }
}
