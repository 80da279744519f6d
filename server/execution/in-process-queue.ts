/**
 * The RunQueue of a single process: runs execute here, up to `concurrency` at a time, in the
 * order they were enqueued. Cancellation aborts the run's AbortSignal; a cancel that arrives
 * before the run starts is remembered and delivered when it does. A delayed run (`after_seconds`)
 * joins the queue when it is due, or at once when it is cancelled; a handler that defers a run
 * (RunDeferredError) has it put back for later.
 */
import { setMaxListeners } from "node:events";
import type { CancelAction, RunHandler, RunJob, RunJobContext, RunQueue } from "../../lib/contracts/execution.js";
import { RunDeferredError } from "./queue/deferral.js";

type AbortReason = ReturnType<RunJobContext["abortReason"]>;

/** Runs jobs in this process. `onEnqueue` lets the event log hold the run's events in memory. */
export class InProcessRunQueue implements RunQueue {
  private readonly waiting: RunJob[] = [];
  private readonly running = new Map<string, { controller: AbortController; reason: AbortReason; done: Promise<unknown> }>();
  private readonly earlyCancels = new Map<string, CancelAction>();
  private readonly delayed = new Map<string, { job: RunJob; timer: NodeJS.Timeout }>();
  private handler: RunHandler | undefined;
  private concurrency = 1;
  private closed = false;

  constructor(private readonly options: { onEnqueue?: (job: RunJob) => void } = {}) {}

  async enqueue(job: RunJob, options: { delayMs?: number } = {}): Promise<void> {
    if (this.closed) throw new Error("The run queue is closed; the server is shutting down.");
    if ((options.delayMs ?? 0) > 0) {
      const timer = setTimeout(() => this.release(job.runId), options.delayMs);
      this.delayed.set(job.runId, { job, timer });
      return;
    }
    this.options.onEnqueue?.(job);
    this.waiting.push(job);
    this.pump();
  }

  /** A delayed run is due (or cancelled): it joins the queue. */
  private release(runId: string): void {
    const entry = this.delayed.get(runId);
    if (!entry) return;
    clearTimeout(entry.timer);
    this.delayed.delete(runId);
    if (!this.closed) void this.enqueue(entry.job);
  }

  async startWorker(handler: RunHandler, options: { concurrency: number }): Promise<void> {
    this.handler = handler;
    this.concurrency = Math.max(1, options.concurrency);
    this.pump();
  }

  async cancel(runId: string, action: CancelAction): Promise<void> {
    const active = this.running.get(runId);
    if (active) {
      active.reason ??= { kind: "cancel", action };
      active.controller.abort(action);
    } else {
      // Waiting here, or about to be enqueued by the run ahead of it: deliver when it starts.
      this.earlyCancels.set(runId, action);
      setTimeout(() => this.earlyCancels.delete(runId), 60_000).unref();
      this.release(runId);
    }
  }

  async depth(): Promise<number> {
    return this.waiting.length + this.delayed.size;
  }

  /** Runs executing now (for /metrics). */
  inFlight(): number {
    return this.running.size;
  }

  async close(options: { drain?: boolean; timeoutMs?: number } = {}): Promise<void> {
    this.closed = true;
    this.waiting.length = 0;
    for (const { timer } of this.delayed.values()) clearTimeout(timer);
    this.delayed.clear();
    const inFlight = [...this.running.values()];
    if (!options.drain) {
      for (const run of inFlight) {
        run.reason ??= { kind: "shutdown" };
        run.controller.abort("shutdown");
      }
    }
    const all = Promise.allSettled(inFlight.map((run) => run.done));
    if (options.drain && options.timeoutMs !== undefined) {
      let timer: NodeJS.Timeout | undefined;
      const timedOut = await Promise.race([all.then(() => false), new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(true), options.timeoutMs)))]);
      clearTimeout(timer);
      if (timedOut) {
        for (const run of this.running.values()) {
          run.reason ??= { kind: "shutdown" };
          run.controller.abort("shutdown");
        }
        await Promise.allSettled([...this.running.values()].map((run) => run.done));
      }
    } else {
      await all;
    }
  }

  private pump(): void {
    const handler = this.handler;
    if (!handler) return;
    while (this.running.size < this.concurrency && this.waiting.length > 0) {
      const job = this.waiting.shift()!;
      const controller = new AbortController();
      // LangGraph adds a listener per task to the run's signal; wide graphs pass Node's default of 10.
      setMaxListeners(0, controller.signal);
      const slot: { controller: AbortController; reason: AbortReason; done: Promise<unknown> } = { controller, reason: undefined, done: Promise.resolve() };
      const early = this.earlyCancels.get(job.runId);
      if (early) {
        this.earlyCancels.delete(job.runId);
        slot.reason = { kind: "cancel", action: early };
        controller.abort(early);
      }
      this.running.set(job.runId, slot);
      slot.done = handler(job, { signal: controller.signal, abortReason: () => slot.reason, attempt: 0 })
        .catch((error: unknown) => {
          // Not due yet, or its thread is busy: back in the queue after the delay it asked for.
          if (error instanceof RunDeferredError && !this.closed) void this.enqueue(job, { delayMs: Math.max(1, error.retryAfterMs) });
        })
        .finally(() => {
          this.running.delete(job.runId);
          this.pump();
        });
    }
  }
}
