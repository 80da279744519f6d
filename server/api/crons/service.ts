/**
 * Crons: the schemas of their bodies, their public shape, and firing one tick: a normal run of
 * the cron's assistant with the cron's payload, on the cron's thread or on a new thread per run
 * (deleted when the run completes unless `on_run_completed` is `keep`).
 */
import { createHash } from "node:crypto";
import { v7 as uuid7 } from "@langchain/core/utils/uuid";
import { z } from "zod";
import { UpstreamUnavailableError } from "../../../lib/errors.js";
import type { AppDeps } from "../../deps.js";
import type { CronRecord } from "../../records/types.js";
import { nextRunDate } from "../../execution/cron-scheduler.js";
import { jsonObject } from "../../http/validate.js";
import { runCreateSchema } from "../runs/schemas.js";
import { createRunOnce } from "../runs/service.js";

const timing = {
  schedule: z.string().trim().min(1).max(256),
  timezone: z.string().trim().min(1).max(64).nullish(),
  end_time: z.iso.datetime({ offset: true }).nullish(),
  enabled: z.boolean().nullish(),
  on_run_completed: z.enum(["delete", "keep"]).nullish(),
  metadata: jsonObject.nullish(),
};

/** Body of the cron-creating routes: a run-create body plus the schedule. */
export const cronCreateSchema = runCreateSchema.omit({ metadata: true, on_completion: true, after_seconds: true, if_not_exists: true }).extend(timing);

/** Body of PATCH /runs/crons/:cron_id: any of the same fields. */
export const cronUpdateSchema = cronCreateSchema.partial();

/** The run-create fields a cron keeps as its payload. */
export function payloadOf(body: Partial<z.infer<typeof cronCreateSchema>>): Record<string, unknown> {
  const { schedule: _s, timezone: _t, end_time: _e, enabled: _n, on_run_completed: _o, metadata: _m, assistant_id: _a, ...payload } = body;
  return Object.fromEntries(Object.entries(payload).filter(([, value]) => value !== undefined));
}

/** The next run date of a cron, or null when it is disabled or past its end. */
export function nextRunOf(cron: Pick<CronRecord, "schedule" | "timezone" | "end_time" | "enabled">): string | null {
  if (!cron.enabled) return null;
  return nextRunDate(cron.schedule, cron.timezone, new Date(), cron.end_time)?.toISOString() ?? null;
}

/** The cron as the API shows it (its next run date computed now, so no firing has to write it). */
export function publicCron(cron: CronRecord): Record<string, unknown> {
  const { owner: _owner, ...rest } = cron;
  return { ...rest, next_run_date: nextRunOf(cron), user_id: null };
}

/**
 * The id of the run a cron's tick creates: the same in every process and on every retry of the
 * tick (a UUIDv7 stamped with the tick's time when the tick names it, its random part a hash of
 * cron and tick), so creating it once per id is creating it once per tick.
 */
export function tickRunId(cronId: string, tick: string): string {
  const msecs = Number(/(\d+)$/.exec(tick)?.[1] ?? Number.NaN);
  const random = createHash("sha256").update(`${cronId}\0${tick}`).digest().subarray(0, 16);
  return uuid7({ msecs: Number.isSafeInteger(msecs) ? msecs : 0, random });
}

/**
 * Fires one tick of a cron: its run is created with the tick's run id at most once, whichever
 * process fires it and however often (a process that died before creating it leaves the tick to
 * BullMQ's retry; one that died after leaves a run that the retry finds). An upstream outage is
 * thrown so the tick is tried again; any other failure is counted and logged.
 */
export async function fireCron(deps: AppDeps, cronId: string, tick: string): Promise<void> {
  const cron = await deps.storage.crons.get(cronId);
  if (!cron || !cron.enabled || (cron.end_time && Date.parse(cron.end_time) < Date.now())) return;
  try {
    const body = runCreateSchema.parse({ ...cron.payload, assistant_id: cron.assistant_id, ...(cron.thread_id ? {} : { on_completion: cron.on_run_completed }) });
    // Each run names its cron and tick, so a tick fired twice would show.
    body.metadata = { ...body.metadata, cron_id: cron.cron_id, cron_tick: tick };
    const created = await createRunOnce(deps, cron.owner, cron.thread_id, body, tickRunId(cronId, tick));
    deps.metrics.cronFirings.inc({ outcome: created ? "fired" : "duplicate" });
  } catch (error) {
    deps.metrics.cronFirings.inc({ outcome: "failed" });
    deps.logger.warn({ err: error, cronId, tick }, "a cron tick could not create its run");
    if (error instanceof UpstreamUnavailableError) throw error;
  }
}
