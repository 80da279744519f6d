/**
 * The embedded-mode RunEventLog: each run's events in memory, kept for a while after the run
 * so late joiners and reconnecting clients still get them, and each thread's runs in the order
 * they started (the thread-wide stream follows them).
 */
import { EventBuffer } from "./event-buffer.js";
import type { EventCursor, RunEvent, RunEventLog, RunEventsEnd, ThreadRunEntry, ThreadRunsFrom } from "../../lib/contracts/execution.js";
import { serializeForApi } from "../api/runs/serialize.js";

/** Runs remembered per thread (the oldest are forgotten first). */
const THREAD_RUNS_KEPT = 1000;

/** The sequence number of a position `0-<n>` (the form Redis stream ids take, so both logs accept the same positions). */
const seqOf = (position: string): number => Number(position.split("-")[1]);

/** A thread's runs in start order; positions keep counting when old entries go. */
class ThreadRuns {
  readonly entries: ThreadRunEntry[] = [];
  private count = 0;
  private waiters: (() => void)[] = [];
  /** Readers following the thread now (a followed thread is never forgotten). */
  followers = 0;

  add(runId: string): void {
    this.entries.push({ position: `0-${++this.count}`, runId });
    if (this.entries.length > THREAD_RUNS_KEPT) this.entries.shift();
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }

  async *follow(from: ThreadRunsFrom, signal?: AbortSignal): AsyncGenerator<ThreadRunEntry> {
    let next = from === "first" ? 0 : "at" in from ? seqOf(from.at) : seqOf(from.after) + 1;
    this.followers += 1;
    try {
      while (!signal?.aborted) {
        // By position, not index: old entries may be shifted out while the reader is busy.
        const fresh = this.entries.filter((entry) => seqOf(entry.position) >= next);
        if (fresh.length === 0) await this.changed(signal);
        for (const entry of fresh) {
          next = seqOf(entry.position) + 1;
          yield entry;
        }
      }
    } finally {
      this.followers -= 1;
    }
  }

  private changed(signal?: AbortSignal): Promise<void> {
    return new Promise<void>((resolve) => {
      const onAbort = () => resolve();
      this.waiters.push(() => {
        signal?.removeEventListener("abort", onAbort);
        resolve();
      });
      signal?.addEventListener("abort", onAbort, { once: true });
    });
  }
}

/** In-memory event log; `retainMs` after finish the run's events are dropped. */
export class InMemoryRunEventLog implements RunEventLog {
  private readonly buffers = new Map<string, EventBuffer>();
  private readonly threads = new Map<string, ThreadRuns>();
  private readonly threadOf = new Map<string, string>();

  constructor(private readonly retainMs = 10 * 60_000) {}

  private buffer(runId: string): EventBuffer {
    let buffer = this.buffers.get(runId);
    if (!buffer) this.buffers.set(runId, (buffer = new EventBuffer()));
    return buffer;
  }

  private thread(threadId: string): ThreadRuns {
    let runs = this.threads.get(threadId);
    if (!runs) this.threads.set(threadId, (runs = new ThreadRuns()));
    return runs;
  }

  async begin(runId: string, options: { threadId: string | null; resumed: boolean }): Promise<void> {
    // One process: a resumed run's buffer is still here and keeps counting.
    this.buffer(runId);
    if (!options.threadId) return;
    this.threadOf.set(runId, options.threadId);
    this.thread(options.threadId).add(runId);
  }

  async append(runId: string, event: string, data: unknown): Promise<string> {
    return this.buffer(runId).push(event, data, serializeForApi(data)).id;
  }

  async finish(runId: string, end?: RunEventsEnd): Promise<void> {
    const buffer = this.buffer(runId);
    buffer.finish(end ? { end } : {});
    const threadId = this.threadOf.get(runId);
    setTimeout(() => {
      if (this.buffers.get(runId) === buffer) this.buffers.delete(runId);
      this.threadOf.delete(runId);
      // A thread whose last run's events are gone is forgotten too (its stream has nothing to replay).
      const runs = threadId ? this.threads.get(threadId) : undefined;
      if (threadId && runs?.followers === 0 && runs.entries.at(-1)?.runId === runId) this.threads.delete(threadId);
    }, this.retainMs).unref();
  }

  async *read(
    runId: string,
    options: { after?: EventCursor; signal?: AbortSignal; isLive?: () => Promise<boolean>; onEnd?: (end: RunEventsEnd) => void },
  ): AsyncGenerator<RunEvent> {
    const existing = this.buffers.get(runId);
    if (!existing && options.isLive && !(await options.isLive())) return;
    const buffer = this.buffer(runId);
    yield* buffer.follow(options.after, options.signal);
    if (buffer.finished) options.onEnd?.(buffer.end);
  }

  threadRuns(threadId: string, options: { from: ThreadRunsFrom; signal?: AbortSignal }): AsyncIterable<ThreadRunEntry> {
    return this.thread(threadId).follow(options.from, options.signal);
  }

  async latestThreadRun(threadId: string): Promise<ThreadRunEntry | undefined> {
    return this.threads.get(threadId)?.entries.at(-1);
  }
}
