/**
 * Cheap timeouts for hot paths. node-redis arms an `AbortSignal.timeout` per command, which
 * costs more CPU than the command itself on a fast local Redis; a run's checkpoint writes
 * need a bound on how long they wait, not millisecond precision. One coarse timer per owner
 * sweeps the pending calls instead, so a call costs a map entry.
 */

/** A call that outlived its deadline; `code` lets callers treat it like a network timeout. */
export class DeadlineExceededError extends Error {
  readonly code = "ETIMEDOUT";

  constructor(label: string, timeoutMs: number) {
    super(`${label} got no reply within ${timeoutMs} ms`);
    this.name = "DeadlineExceededError";
  }
}

interface Pending {
  startedAt: number;
  label: string;
  reject: (error: Error) => void;
}

/** Bounds the wait for promises to about `timeoutMs` (within a quarter of it), with one timer. */
export class CoarseDeadlines {
  private readonly pending = new Set<Pending>();
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly timeoutMs: number) {}

  /** Resolves like `work`, or rejects with DeadlineExceededError once the deadline has passed. */
  track<T>(work: Promise<T>, label: string): Promise<T> {
    if (this.timeoutMs <= 0) return work;
    return new Promise<T>((resolve, reject) => {
      const entry: Pending = { startedAt: Date.now(), label, reject };
      this.pending.add(entry);
      this.timer ??= setInterval(() => this.sweep(), Math.max(10, Math.floor(this.timeoutMs / 4))).unref();
      work.then(
        (value) => {
          this.settle(entry);
          resolve(value);
        },
        (error: unknown) => {
          this.settle(entry);
          reject(error);
        },
      );
    });
  }

  private settle(entry: Pending): void {
    this.pending.delete(entry);
  }

  // The timer stops at the first sweep that finds nothing pending, not as each call settles:
  // a saver settles a call per super-step, and re-arming an interval each time costs more than the sweep.
  private sweep(): void {
    if (this.pending.size === 0 && this.timer) {
      clearInterval(this.timer);
      this.timer = undefined;
      return;
    }
    const now = Date.now();
    for (const entry of this.pending) {
      if (now - entry.startedAt < this.timeoutMs) continue;
      this.settle(entry);
      entry.reject(new DeadlineExceededError(entry.label, this.timeoutMs));
    }
  }
}
