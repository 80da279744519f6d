/**
 * A pool of worker threads for untrusted work (model-written code, model-written expressions,
 * fetched pages). The server's event loop never runs such work itself: a job runs on a worker
 * with V8 `resourceLimits`, under a deadline that starts when the worker receives it, and a worker
 * that overruns, is cancelled, runs out of memory or crashes is terminated and replaced, never
 * reused. An out-of-memory therefore ends one worker, not the process.
 *
 * Fairness: every job carries a key (the run's owner); the waiting line is a FairQueue, so one
 * client's flood cannot starve another client's call.
 *
 * Protocol with the worker body (a plain `.mjs` file, so it loads under node, tsx and vitest
 * alike): it posts `{ ready: true }` once it has loaded what it needs, then answers each
 * `{ id, ...payload }` with `{ id, ...result }`.
 */
import { Worker, type ResourceLimits } from "node:worker_threads";
import { FairQueue } from "./fair-queue.js";

/** Why a job ended without a result from its worker. */
export type WorkerFailure = "timeout" | "out_of_memory" | "crashed";

/** A job that its worker could not finish; `failure` says why, the message says it for a model. */
export class WorkerJobError extends Error {
  constructor(readonly failure: WorkerFailure, message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** Settings of a pool. */
export interface WorkerPoolOptions {
  /** What the workers do, in messages ("the calculator", "the sandbox"). */
  name: string;
  /** The worker body. */
  script: URL;
  /** Workers at most. */
  size: number;
  /** Jobs of one key running at once (default: `size`). */
  perKey?: number;
  resourceLimits: ResourceLimits;
  /** Terminates a worker idle this long (frees what it loaded); unset: idle workers stay, unref'd. */
  idleMs?: number;
}

/** A pool made on first use (nothing starts at import): the accessor a tool module keeps. */
export function lazyWorkerPool(options: WorkerPoolOptions): () => WorkerPool {
  let pool: WorkerPool | undefined;
  return () => (pool ??= new WorkerPool(options));
}

/** How to run one job. */
export interface WorkerJobOptions {
  /** Fairness key (the run's owner). */
  key: string;
  /** The job's deadline once a worker has it; the worker is killed after it. */
  deadlineMs: number;
  /** Cancels the job, waiting or running (a running job's worker is killed). */
  signal?: AbortSignal;
}

interface PendingJob {
  key: string;
  payload: Record<string, unknown>;
  options: WorkerJobOptions;
  resolve(value: unknown): void;
  reject(error: unknown): void;
  detach(): void;
  /** Set while the job runs: stops its deadline and message listener. */
  cleanup?: () => void;
}

interface PoolWorker {
  worker: Worker;
  ready: boolean;
  job?: PendingJob;
  idleTimer?: NodeJS.Timeout;
}

/** Runs jobs on up to `size` worker threads; see the module comment. */
export class WorkerPool {
  private readonly workers = new Set<PoolWorker>();
  private readonly queue: FairQueue<PendingJob>;
  private nextJobId = 0;
  private closed = false;

  constructor(private readonly options: WorkerPoolOptions) {
    if (!Number.isInteger(options.size) || options.size < 1) throw new RangeError(`${options.name}: the pool needs at least one worker`);
    this.queue = new FairQueue(Math.max(1, Math.min(options.perKey ?? options.size, options.size)));
  }

  /** Jobs waiting for a worker, and running (for tests and metrics). */
  get load(): { waiting: number; running: number; workers: number } {
    return { ...this.queue.size, workers: this.workers.size };
  }

  /** Runs one job; resolves with the worker's answer, rejects with WorkerJobError or the signal's reason. */
  run<Result>(payload: Record<string, unknown>, options: WorkerJobOptions): Promise<Result> {
    if (this.closed) return Promise.reject(new WorkerJobError("crashed", `${this.options.name} is shut down`));
    if (options.signal?.aborted) return Promise.reject(options.signal.reason);
    return new Promise<Result>((resolve, reject) => {
      const job: PendingJob = {
        key: options.key,
        payload,
        options,
        resolve: resolve as (value: unknown) => void,
        reject,
        detach: () => options.signal?.removeEventListener("abort", onAbort),
      };
      const onAbort = () => this.cancel(job, options.signal?.reason ?? new Error(`the ${this.options.name} call was cancelled`));
      options.signal?.addEventListener("abort", onAbort, { once: true });
      this.queue.push(job);
      this.pump();
    });
  }

  /** Stops every worker; waiting jobs are refused. */
  async close(): Promise<void> {
    this.closed = true;
    for (const job of this.queue.drain()) this.settle(job, new WorkerJobError("crashed", `${this.options.name} is shut down`));
    const all = [...this.workers];
    this.workers.clear();
    await Promise.all(all.map((entry) => entry.worker.terminate()));
  }

  private pump(): void {
    if (this.closed) return;
    for (;;) {
      const job = this.queue.peek();
      if (!job) return;
      const idle = [...this.workers].find((entry) => entry.ready && !entry.job);
      if (idle) {
        this.start(idle, job);
        continue;
      }
      // Start workers for the jobs that can run now, up to the pool size; they take jobs once loaded.
      const starting = [...this.workers].filter((entry) => !entry.ready).length;
      if (starting < this.queue.startable() && this.workers.size < this.options.size) {
        this.spawn();
        continue;
      }
      return;
    }
  }

  private start(entry: PoolWorker, job: PendingJob): void {
    this.queue.start(job);
    clearTimeout(entry.idleTimer);
    entry.job = job;
    const id = ++this.nextJobId;
    const { worker } = entry;
    const deadline = setTimeout(
      () => this.fail(entry, new WorkerJobError("timeout", `${this.options.name} did not finish within ${job.options.deadlineMs} ms and was stopped`)),
      job.options.deadlineMs,
    );
    const onMessage = (message: { id?: number }) => {
      if (message.id !== id) return;
      const { id: _id, ...result } = message;
      this.finish(entry, job, result);
    };
    job.cleanup = () => {
      clearTimeout(deadline);
      worker.off("message", onMessage);
    };
    worker.on("message", onMessage);
    worker.ref();
    worker.postMessage({ id, ...job.payload });
  }

  private finish(entry: PoolWorker, job: PendingJob, result: unknown): void {
    this.release(job);
    entry.job = undefined;
    this.settle(job, undefined, result);
    this.idle(entry);
    this.pump();
  }

  /** Ends the worker's job with `error` and kills the worker (the only way to stop synchronous work). */
  private fail(entry: PoolWorker, error: unknown): void {
    const job = entry.job;
    entry.job = undefined;
    this.discard(entry);
    if (job) {
      this.release(job);
      this.settle(job, error);
    }
    this.pump();
  }

  private cancel(job: PendingJob, reason: unknown): void {
    if (this.queue.remove(job)) {
      this.settle(job, reason);
      return;
    }
    const entry = [...this.workers].find((candidate) => candidate.job === job);
    if (entry) this.fail(entry, reason);
  }

  private release(job: PendingJob): void {
    job.cleanup?.();
    job.cleanup = undefined;
    this.queue.finish(job);
  }

  private settle(job: PendingJob, error: unknown, result?: unknown): void {
    job.detach();
    if (error !== undefined) job.reject(error);
    else job.resolve(result);
  }

  private spawn(): void {
    const worker = new Worker(this.options.script, { resourceLimits: this.options.resourceLimits, stdout: true, stderr: true });
    const entry: PoolWorker = { worker, ready: false };
    this.workers.add(entry);
    worker.on("message", (message: { ready?: boolean }) => {
      if (message.ready !== true || entry.ready) return;
      entry.ready = true;
      this.idle(entry);
      this.pump();
    });
    worker.on("error", (error: Error & { code?: string }) => {
      const failure = error.code === "ERR_WORKER_OUT_OF_MEMORY" ? "out_of_memory" : "crashed";
      const text =
        failure === "out_of_memory"
          ? `${this.options.name} ran out of memory (limit ${this.options.resourceLimits.maxOldGenerationSizeMb ?? "?"} MiB) and was stopped`
          : `${this.options.name} crashed: ${error.message}`;
      this.lost(entry, new WorkerJobError(failure, text));
    });
    worker.on("exit", (code) => this.lost(entry, new WorkerJobError("crashed", `${this.options.name} stopped unexpectedly (exit code ${code})`)));
  }

  /** A worker died by itself: its job (or, if it never loaded, the oldest waiting job) gets the error. */
  private lost(entry: PoolWorker, error: WorkerJobError): void {
    if (!this.workers.has(entry)) return;
    this.workers.delete(entry);
    clearTimeout(entry.idleTimer);
    const job = entry.job ?? (entry.ready ? undefined : this.queue.peek());
    entry.job = undefined;
    if (job) {
      if (!this.queue.remove(job)) this.release(job);
      this.settle(job, error);
    }
    this.pump();
  }

  private idle(entry: PoolWorker): void {
    entry.worker.unref();
    if (this.options.idleMs === undefined) return;
    clearTimeout(entry.idleTimer);
    entry.idleTimer = setTimeout(() => this.discard(entry), this.options.idleMs);
    entry.idleTimer.unref();
  }

  private discard(entry: PoolWorker): void {
    this.workers.delete(entry);
    clearTimeout(entry.idleTimer);
    void entry.worker.terminate();
  }
}
