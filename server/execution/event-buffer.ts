/**
 * A run's events held in this process while it runs here: readers in this process follow the
 * run without a Redis round trip per event. Ids are `<ms>-<seq>`, the Redis Stream id format,
 * so one id means the same event in memory and in Redis.
 */
import type { RunEvent } from "../../lib/contracts/execution.js";

/** Compares two `<ms>-<seq>` ids. */
export function compareEventIds(a: string, b: string): number {
  const [aMs, aSeq] = a.split("-").map(Number) as [number, number];
  const [bMs, bSeq] = b.split("-").map(Number) as [number, number];
  return aMs === bMs ? aSeq - bSeq : aMs - bMs;
}

/** Monotonic `<ms>-<seq>` ids. */
export class EventIdClock {
  private ms = 0;
  private seq = 0;

  /** Starts after an existing id (a run taken over from another process). */
  startAfter(id: string): void {
    const [ms, seq] = id.split("-").map(Number) as [number, number];
    if (ms > this.ms || (ms === this.ms && seq >= this.seq)) [this.ms, this.seq] = [ms, seq];
  }

  next(): string {
    const now = Date.now();
    if (now > this.ms) [this.ms, this.seq] = [now, 0];
    else this.seq += 1;
    return `${this.ms}-${this.seq}`;
  }
}

/** Events of one run, appended in order, readable by any number of followers. */
export class EventBuffer {
  readonly events: RunEvent[] = [];
  readonly clock = new EventIdClock();
  finished = false;
  /** Finished because the run moved to another process (it goes on there), not because it ended. */
  handedOff = false;
  private waiters: (() => void)[] = [];

  push(event: string, data: unknown, raw: string): RunEvent {
    const entry: RunEvent = { id: this.clock.next(), event, data, raw };
    this.events.push(entry);
    this.wake();
    return entry;
  }

  finish(options: { handedOff?: boolean } = {}): void {
    this.handedOff = options.handedOff ?? false;
    this.finished = true;
    this.wake();
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }

  /** Events after `after`, following until finish or abort. */
  async *follow(after: string | undefined, signal?: AbortSignal): AsyncGenerator<RunEvent> {
    let index = after === undefined ? 0 : this.events.findIndex((entry) => compareEventIds(entry.id, after) > 0);
    if (index < 0) index = this.events.length;
    while (!signal?.aborted) {
      while (index < this.events.length) yield this.events[index++]!;
      if (this.finished) return;
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        signal?.addEventListener("abort", () => resolve(), { once: true });
      });
    }
  }
}
