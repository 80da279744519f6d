/**
 * The crons routes: create (stateless or on a thread), search, count, update and delete. Crons are
 * the owner's: others' ids answer 404 like unknown ones.
 */
import { v7 as uuid7 } from "@langchain/core/utils/uuid";
import { Hono } from "hono";
import { z } from "zod";
import { InvalidInputError, NotFoundError } from "../../../lib/errors.js";
import { isRedisUnavailable } from "../../http/errors.js";
import type { AppDeps } from "../../deps.js";
import { jsonObject, readBody, uuidParam } from "../../http/validate.js";
import { ownerOf } from "../../middleware/auth.js";
import type { CronRecord } from "../../records/types.js";
import { getVisibleAssistant } from "../assistants/service.js";
import { matchesSubset } from "../threads/filter.js";
import { requireThread } from "../threads/service.js";
import { cronCreateSchema, cronUpdateSchema, nextRunOf, payloadOf, publicCron } from "./service.js";

const filterSchema = z.object({ assistant_id: z.string().max(256).nullish(), thread_id: z.string().uuid().nullish(), enabled: z.boolean().nullish(), metadata: jsonObject.nullish() });
const searchSchema = filterSchema.extend({
  limit: z.number().int().min(1).max(1000).nullish(),
  offset: z.number().int().min(0).nullish(),
  sort_by: z.enum(["cron_id", "assistant_id", "thread_id", "next_run_date", "end_time", "created_at", "updated_at"]).nullish(),
  sort_order: z.enum(["asc", "desc"]).nullish(),
  select: z.array(z.string().max(64)).max(20).nullish(),
});

/** The crons routes. */
export function cronsRoutes(deps: AppDeps): Hono {
  const app = new Hono();
  const owned = async (owner: string, filter: z.infer<typeof filterSchema>) => {
    const assistantId = filter.assistant_id ? (await getVisibleAssistant(deps, owner, filter.assistant_id).catch(() => undefined))?.assistant_id ?? filter.assistant_id : undefined;
    return (await deps.storage.crons.list()).filter(
      (cron) =>
        cron.owner === owner &&
        (!assistantId || cron.assistant_id === assistantId) &&
        (!filter.thread_id || cron.thread_id === filter.thread_id) &&
        (filter.enabled == null || cron.enabled === filter.enabled) &&
        (!filter.metadata || matchesSubset(cron.metadata, filter.metadata)),
    );
  };
  const requireCron = async (owner: string, cronId: string) => {
    const cron = await deps.storage.crons.get(cronId);
    if (!cron || cron.owner !== owner) throw new NotFoundError("cron", cronId, { message: "Cron not found" });
    return cron;
  };
  // Scheduled before it is stored: a tick of a cron not stored (yet, or any more) fires nothing.
  const schedule = async (cron: CronRecord) => {
    if (!cron.enabled || !nextRunOf(cron)) return deps.crons.remove(cron.cron_id);
    await deps.crons.upsert(cron).catch((error: unknown) => {
      if (isRedisUnavailable(error)) throw error;
      throw new InvalidInputError(`The scheduler refused schedule '${cron.schedule}' in '${cron.timezone}': ${error instanceof Error ? error.message : String(error)}`);
    });
  };

  const create = async (owner: string, threadId: string | null, body: z.infer<typeof cronCreateSchema>) => {
    const assistant = await getVisibleAssistant(deps, owner, body.assistant_id, "run");
    const now = new Date().toISOString();
    const cron: CronRecord = {
      cron_id: uuid7(),
      assistant_id: assistant.assistant_id,
      thread_id: threadId,
      on_run_completed: body.on_run_completed ?? "delete",
      schedule: body.schedule,
      timezone: body.timezone ?? "UTC",
      end_time: body.end_time ?? null,
      enabled: body.enabled ?? true,
      payload: payloadOf(body),
      metadata: body.metadata ?? {},
      next_run_date: null,
      created_at: now,
      updated_at: now,
      owner,
    };
    // Checks the expression and the zone before anything is stored.
    cron.next_run_date = nextRunOf(cron);
    await schedule(cron);
    await deps.storage.crons.put(cron);
    return publicCron(cron);
  };

  app.post("/runs/crons", async (c) => c.json(await create(ownerOf(c), null, await readBody(c, cronCreateSchema))));

  app.post("/threads/:thread_id/runs/crons", async (c) => {
    const thread = await requireThread(deps, ownerOf(c), uuidParam(c, "thread_id"));
    return c.json(await create(ownerOf(c), thread.thread_id, await readBody(c, cronCreateSchema)));
  });

  app.post("/runs/crons/search", async (c) => {
    const query = await readBody(c, searchSchema);
    const by = (query.sort_by ?? "created_at") as keyof CronRecord;
    const sign = query.sort_order === "asc" ? 1 : -1;
    const crons = (await owned(ownerOf(c), query)).map((cron) => ({ ...cron, next_run_date: nextRunOf(cron) }));
    crons.sort((a, b) => sign * String(a[by] ?? "").localeCompare(String(b[by] ?? "")));
    const offset = query.offset ?? 0;
    const page = crons.slice(offset, offset + (query.limit ?? 10)).map(publicCron);
    return c.json(query.select ? page.map((cron) => Object.fromEntries(Object.entries(cron).filter(([key]) => query.select!.includes(key)))) : page);
  });

  app.post("/runs/crons/count", async (c) => c.json((await owned(ownerOf(c), await readBody(c, filterSchema))).length));

  app.patch("/runs/crons/:cron_id", async (c) => {
    const cron = await requireCron(ownerOf(c), uuidParam(c, "cron_id"));
    const body = await readBody(c, cronUpdateSchema);
    const assistantId = body.assistant_id ? (await getVisibleAssistant(deps, cron.owner, body.assistant_id, "run")).assistant_id : cron.assistant_id;
    const updated: CronRecord = {
      ...cron,
      assistant_id: assistantId,
      schedule: body.schedule ?? cron.schedule,
      timezone: body.timezone ?? cron.timezone,
      end_time: body.end_time === undefined ? cron.end_time : body.end_time,
      enabled: body.enabled ?? cron.enabled,
      on_run_completed: body.on_run_completed ?? cron.on_run_completed,
      metadata: body.metadata ?? cron.metadata,
      payload: { ...cron.payload, ...payloadOf(body) },
      updated_at: new Date().toISOString(),
    };
    updated.next_run_date = nextRunOf(updated);
    await schedule(updated);
    await deps.storage.crons.put(updated);
    return c.json(publicCron(updated));
  });

  app.delete("/runs/crons/:cron_id", async (c) => {
    const cron = await requireCron(ownerOf(c), uuidParam(c, "cron_id"));
    await deps.crons.remove(cron.cron_id);
    await deps.storage.crons.delete(cron.cron_id);
    return c.body(null, 204);
  });

  return app;
}
