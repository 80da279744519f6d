/**
 * A run's events held in this process while it runs here: readers in this process follow the
 * run without a Redis round trip per event. Ids are the events' numbers in the run ("0", "1",
 * …), the same in memory and in Redis; a buffer that took a run over starts after the events
 * written before (`first`).
 */
import type { EventCursor, RunEvent, RunEventsEnd } from "../../lib/contracts/execution.js";

/** Events of one run, appended in order, readable by any number of followers. */
export class EventBuffer {
  readonly events: RunEvent[] = [];
  finished = false;
  /** Finished because the run moved to another process (it goes on there), not because it ended. */
  handedOff = false;
  /** What the end of the run's events said. */
  end: RunEventsEnd = {};
  private waiters: (() => void)[] = [];
  private nextNumber: number;

  /** `first`: the number of the first event this buffer will hold. */
  constructor(readonly first = 0) {
    this.nextNumber = first;
  }

  /** The number the next event gets. */
  get next(): number {
    return this.nextNumber;
  }

  push(event: string, data: unknown, raw: string): RunEvent {
    const entry: RunEvent = { id: String(this.nextNumber++), event, data, raw };
    this.events.push(entry);
    this.wake();
    return entry;
  }

  finish(options: { handedOff?: boolean; end?: RunEventsEnd } = {}): void {
    this.handedOff = options.handedOff ?? false;
    this.end = options.end ?? {};
    this.finished = true;
    this.wake();
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }

  /** Events after `after` that this buffer holds, following until finish or abort. */
  async *follow(after: EventCursor | undefined, signal?: AbortSignal): AsyncGenerator<RunEvent> {
    let index = after === "now" ? this.events.length : Math.max(0, (after ?? -1) + 1 - this.first);
    while (!signal?.aborted) {
      while (index < this.events.length) yield this.events[index++]!;
      if (this.finished) return;
      await new Promise<void>((resolve) => {
        const onAbort = () => resolve();
        this.waiters.push(() => {
          signal?.removeEventListener("abort", onAbort);
          resolve();
        });
        signal?.addEventListener("abort", onAbort, { once: true });
      });
    }
  }
}
