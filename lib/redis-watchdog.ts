/**
 * Knows, cheaply, whether Redis is answering. A dead Redis fails commands at once (offline queue
 * off), but a hung one (SIGSTOP, a stalled host) keeps the connection open and commands wait for
 * their timeout. The watchdog pings every eighth of the deadline; when nothing has answered for
 * three quarters of it, Redis counts as not answering, so a request fails within the deadline.
 *
 * A blocked event loop is not a silent Redis: while the loop runs something else for a long time
 * (a heap snapshot, a long synchronous task, a starved CPU) the ping's reply waits unread and the
 * ticks do not run. So the time a tick came late by more than an interval does not count as
 * silence (a hung Redis still is: silence keeps growing by an interval per tick), and while the
 * ticks themselves are overdue the watchdog does not judge: the next tick decides.
 */
import { DeadlineExceededError } from "./deadlines.js";
import { UpstreamUnavailableError } from "./errors.js";

/** Settings of a watchdog. */
export interface RedisWatchdogOptions {
  /** The longest a request should wait on a Redis that does not answer (SERVER_REDIS_DEADLINE_MS). */
  deadlineMs: number;
  /** Called when Redis answers again after it had stopped answering. */
  onBack?: () => void;
}

/** Watches one Redis through `ping`; see the module comment. */
export class RedisWatchdog {
  private lastAnswer = Date.now();
  /** When the last tick ran (the loop was free then). */
  private lastTick = Date.now();
  private readonly intervalMs: number;
  private pinging = false;
  private wasSilent = false;
  private timer: NodeJS.Timeout | undefined;
  private readonly waiting = new Set<(error: Error) => void>();
  private readonly backListeners = new Set<() => void>();
  /** Silence after which Redis counts as not answering. */
  readonly silenceLimitMs: number;

  constructor(
    private readonly ping: () => Promise<unknown>,
    private readonly options: RedisWatchdogOptions,
  ) {
    this.silenceLimitMs = Math.max(1, Math.floor(options.deadlineMs * 0.75));
    this.intervalMs = Math.max(10, Math.floor(options.deadlineMs / 8));
    if (options.onBack) this.backListeners.add(options.onBack);
  }

  /** Starts pinging (idempotent). */
  start(): this {
    this.lastTick = Date.now();
    this.timer ??= setInterval(() => this.tick(), this.intervalMs);
    this.timer.unref();
    return this;
  }

  /** Stops pinging. */
  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Whether Redis answered recently enough (or the loop was too busy to tell: see the module comment). */
  answering(): boolean {
    const now = Date.now();
    if (this.timer && now - this.lastTick > 2 * this.intervalMs) return true;
    return now - this.lastAnswer < this.silenceLimitMs;
  }

  /** Hears when Redis answers again after a silence; returns the unsubscribe function. */
  onBack(listener: () => void): () => void {
    this.backListeners.add(listener);
    return () => this.backListeners.delete(listener);
  }

  /** The error a request gets while Redis does not answer. */
  unavailable(operation: string): UpstreamUnavailableError {
    const silentMs = Date.now() - this.lastAnswer;
    return new UpstreamUnavailableError("redis", operation, `Redis has not answered for ${silentMs} ms (deadline ${this.options.deadlineMs} ms); retry shortly.`, {
      retryAfterSeconds: Math.max(1, Math.ceil(this.options.deadlineMs / 1000)),
      cause: new DeadlineExceededError(operation, this.options.deadlineMs),
    });
  }

  /**
   * Races `work` against Redis going silent: rejects (and aborts `controller`) once Redis has not
   * answered for the silence limit while `work` is pending. `work` itself is left to finish.
   */
  async guard<T>(work: Promise<T>, operation: string, controller?: AbortController): Promise<T> {
    if (!this.answering()) {
      const error = this.unavailable(operation);
      controller?.abort(error);
      work.catch(() => undefined);
      throw error;
    }
    let fail: ((error: Error) => void) | undefined;
    const silenced = new Promise<never>((_, reject) => {
      fail = (error) => {
        controller?.abort(error);
        reject(error);
      };
      this.waiting.add(fail);
    });
    try {
      return await Promise.race([work, silenced]);
    } catch (error) {
      work.catch(() => undefined);
      throw error;
    } finally {
      this.waiting.delete(fail!);
    }
  }

  private tick(): void {
    const now = Date.now();
    // The loop was blocked past this tick's time: a reply may be waiting unread; that time is not Redis's silence.
    const stalledMs = now - this.lastTick - this.intervalMs;
    if (stalledMs > this.intervalMs) this.lastAnswer = Math.min(now, this.lastAnswer + stalledMs);
    this.lastTick = now;
    if (!this.answering() && this.waiting.size > 0) {
      const error = this.unavailable("request");
      for (const fail of [...this.waiting]) fail(error);
      this.waiting.clear();
    }
    if (!this.answering()) this.wasSilent = true;
    if (this.pinging) return;
    this.pinging = true;
    this.ping().then(
      () => {
        this.pinging = false;
        this.lastAnswer = Date.now();
        if (this.wasSilent) {
          this.wasSilent = false;
          for (const listener of this.backListeners) listener();
        }
      },
      () => {
        // Refused (Redis down, not hung): no answer; the next tick pings again.
        this.pinging = false;
      },
    );
  }
}
