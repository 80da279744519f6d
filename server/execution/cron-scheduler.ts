/**
 * When crons fire. `CronScheduler` is what the cron routes and the runtime use; the embedded mode
 * fires from timers in this process (`TimerCronScheduler`), the Redis mode from BullMQ job
 * schedulers shared by every process (queue/cron-scheduler.ts). Expressions and time zones are
 * read by cron-parser; a firing creates a normal run (server/api/crons/service.ts).
 */
import { CronExpressionParser } from "cron-parser";
import { InvalidInputError } from "../../lib/errors.js";

/** What a scheduler needs of a cron. */
export interface CronTiming {
  cron_id: string;
  schedule: string;
  timezone: string;
  end_time: string | null;
}

/** Fires a cron's tick; `tick` names the tick (the same in every process that sees it); a rejection asks for a retry. */
export type FireCron = (cronId: string, tick: string) => Promise<void>;

/** Schedules crons' ticks and fires each tick once. */
export interface CronScheduler {
  /** Schedules (or reschedules) a cron. */
  upsert(cron: CronTiming): Promise<void>;
  /** Stops a cron's ticks. */
  remove(cronId: string): Promise<void>;
  /** Starts firing ticks in this process. */
  start(fire: FireCron): Promise<void>;
  close(): Promise<void>;
}

/** The next time `schedule` fires in `timezone` after `from`, or null when none is left before `endTime`. */
export function nextRunDate(schedule: string, timezone: string, from: Date = new Date(), endTime: string | null = null): Date | null {
  try {
    const expression = CronExpressionParser.parse(schedule, { tz: timezone, currentDate: from, ...(endTime ? { endDate: new Date(endTime) } : {}) });
    return expression.hasNext() ? expression.next().toDate() : null;
  } catch (error) {
    if (endTime && /out of the time span|Out of the time span/i.test(String((error as Error).message))) return null;
    throw new InvalidInputError(`Invalid cron schedule '${schedule}' in time zone '${timezone}': ${(error as Error).message}. Use 5 fields (minute hour day month weekday), or 6 with seconds first, and an IANA zone such as 'UTC' or 'Europe/Paris'.`);
  }
}

const MAX_TIMER_MS = 2 ** 31 - 1;

/** Fires crons from timers in this process (embedded mode: nothing survives a restart anyway). */
export class TimerCronScheduler implements CronScheduler {
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly crons = new Map<string, CronTiming>();
  private fire: FireCron | undefined;

  async upsert(cron: CronTiming): Promise<void> {
    this.crons.set(cron.cron_id, cron);
    this.arm(cron.cron_id);
  }

  async remove(cronId: string): Promise<void> {
    this.crons.delete(cronId);
    clearTimeout(this.timers.get(cronId));
    this.timers.delete(cronId);
  }

  async start(fire: FireCron): Promise<void> {
    this.fire = fire;
    for (const cronId of this.crons.keys()) this.arm(cronId);
  }

  async close(): Promise<void> {
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
    this.fire = undefined;
  }

  /** Arms the cron's next tick after `after` (a timer may fire a little early: never the same tick again). */
  private arm(cronId: string, after = Date.now()): void {
    clearTimeout(this.timers.get(cronId));
    const cron = this.crons.get(cronId);
    if (!cron || !this.fire) return;
    const next = nextRunDate(cron.schedule, cron.timezone, new Date(Math.max(after, Date.now())), cron.end_time);
    if (!next) return;
    // Node fires a timer longer than 2^31-1 ms at once: a tick further ahead wakes once on the way.
    if (next.getTime() - Date.now() > MAX_TIMER_MS) {
      const waypoint = setTimeout(() => this.arm(cronId, after), MAX_TIMER_MS);
      waypoint.unref();
      this.timers.set(cronId, waypoint);
      return;
    }
    const timer = setTimeout(() => {
      // A failure was counted and logged by the fire step; in process there is no retry to hand it to.
      void this.fire?.(cronId, String(next.getTime()))
        .catch(() => undefined)
        .finally(() => this.arm(cronId, next.getTime() + 1));
    }, Math.max(0, next.getTime() - Date.now()));
    timer.unref();
    this.timers.set(cronId, timer);
  }
}
