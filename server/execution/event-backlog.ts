/**
 * Run events that could not be written while Redis was away. A run keeps producing events during
 * an outage; instead of dropping them (remote readers would miss them silently), each run's
 * failed writes wait here, in event order, and are written with their own ids once Redis answers.
 * While a run has a backlog its new events queue behind it, so the stream's ids keep growing in
 * order. An event Redis refuses because the stream moved past its id (another process numbered
 * on meanwhile) cannot be placed: a `gap` event naming the missed ids is appended instead, so a
 * reader is told rather than left unaware.
 */
import type { Logger } from "../../lib/logger.js";
import type { RedisConnection } from "../../lib/redis.js";

interface PendingEvent {
  seq: number;
  id: string;
  fields: Record<string, string>;
}

interface RunBacklog {
  key: string;
  events: PendingEvent[];
}

const RETRY_MS = 250;

/** Per-run backlogs of unwritten events; see the module comment. */
export class EventBacklog {
  private readonly runs = new Map<string, RunBacklog>();
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> | undefined;

  constructor(
    private readonly redis: RedisConnection,
    private readonly options: { logger?: Logger; appendGap: (runId: string, missed: string[]) => Promise<unknown> },
  ) {}

  /** Whether the run has events waiting (its new events must queue behind them). */
  has(runId: string): boolean {
    return this.runs.has(runId);
  }

  /** Events waiting, over all runs (for tests and logs). */
  get size(): number {
    let total = 0;
    for (const run of this.runs.values()) total += run.events.length;
    return total;
  }

  /** Queues an event (stream id `0-seq`) in order and schedules a retry. */
  add(runId: string, key: string, id: string, fields: Record<string, string>): void {
    const seq = Number(id.split("-")[1]);
    let run = this.runs.get(runId);
    if (!run) {
      run = { key, events: [] };
      this.runs.set(runId, run);
      this.options.logger?.warn({ runId }, "run events not written to Redis; kept in order and written when Redis answers");
    }
    const at = run.events.findIndex((event) => event.seq > seq);
    if (at === -1) run.events.push({ seq, id, fields });
    else run.events.splice(at, 0, { seq, id, fields });
    this.timer ??= setInterval(() => void this.flush(), RETRY_MS);
    this.timer.unref();
  }

  /** Writes what it can, in order per run; resolves when this attempt is over. */
  flush(): Promise<void> {
    this.flushing ??= this.flushOnce().finally(() => (this.flushing = undefined));
    return this.flushing;
  }

  /** Stops retrying (what is left is logged). */
  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    if (this.size > 0) this.options.logger?.error({ events: this.size }, "run events still not written to Redis at close");
  }

  private async flushOnce(): Promise<void> {
    for (const [runId, run] of this.runs) {
      const missed: string[] = [];
      try {
        while (run.events.length > 0) {
          const event = run.events[0]!;
          try {
            await this.redis.xAdd(run.key, event.id, event.fields);
          } catch (error) {
            if (!/equal or smaller/i.test((error as Error).message)) throw error;
            missed.push(String(event.seq - 1));
          }
          run.events.shift();
        }
        this.runs.delete(runId);
        this.options.logger?.info({ runId }, "buffered run events written to Redis");
      } catch {
        // Redis still away: the next retry goes on from this event.
      }
      if (missed.length > 0) {
        this.options.logger?.error({ runId, missed }, "run events could not be placed in order; a gap event tells readers");
        await this.options.appendGap(runId, missed).catch(() => undefined);
      }
    }
    if (this.runs.size === 0 && this.timer) {
      clearInterval(this.timer);
      this.timer = undefined;
    }
  }
}
