/**
 * Crons through the official SDK, in Redis and embedded mode: create (stateless and on a thread),
 * search, count, update and delete; the expression and time zone read by cron-parser; each tick
 * a normal run naming its cron and tick, once per tick. The reference (`langgraph dev`) serves no
 * crons (the Platform does), so this file runs on ours only.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { randomUUID } from "node:crypto";
import type { Client } from "@langchain/langgraph-sdk";
import { waitUntil } from "./support/scale.js";
import { startApiTarget, type ApiTarget } from "./support/oracle.js";

const CONFIG = new URL("./fixtures/parity/langgraph.json", import.meta.url).pathname;
const EVERY_SECOND = "* * * * * *";

for (const mode of ["redis", "embedded"] as const) {
  describe(`crons through the SDK (${mode})`, () => {
    let target: ApiTarget;
    let client: Client;
    const metric = async (outcome: string) => {
      const text = await (await fetch(`${target.url}/metrics`)).text();
      return Number(new RegExp(`switchboard_cron_firings_total\\{outcome="${outcome}"\\} (\\d+)`).exec(text)?.[1] ?? 0);
    };

    beforeAll(async () => {
      target = await startApiTarget(CONFIG, { redis: mode === "redis" });
      client = target.client();
    }, 150_000);
    afterAll(async () => target?.close());

    it("creates, searches, counts, updates and deletes crons; reads the schedule in its time zone", async () => {
      const tag = { suite: randomUUID() };
      const cron = await client.crons.create("keeper", { schedule: "0 0 1 1 *", timezone: "Europe/Paris", input: {}, metadata: tag });
      expect(cron).toMatchObject({ assistant_id: expect.any(String), thread_id: null, schedule: "0 0 1 1 *", timezone: "Europe/Paris", enabled: true, metadata: tag });
      const next = new Date(cron.next_run_date!);
      // Midnight on 1 January in Paris is 23:00 UTC the day before.
      expect([next.getUTCMonth(), next.getUTCDate(), next.getUTCHours()]).toEqual([11, 31, 23]);
      const thread = await client.threads.create();
      const bound = await client.crons.createForThread(thread.thread_id, "keeper", { schedule: "30 6 * * 1", metadata: tag });
      expect(bound.thread_id).toBe(thread.thread_id);

      expect(await client.crons.count({ metadata: tag })).toBe(2);
      expect((await client.crons.search({ threadId: thread.thread_id })).map((found) => found.cron_id)).toEqual([bound.cron_id]);
      expect((await client.crons.search({ metadata: tag, sortBy: "created_at", sortOrder: "asc" })).map((found) => found.cron_id)).toEqual([cron.cron_id, bound.cron_id]);

      const paused = await client.crons.update(cron.cron_id, { enabled: false, schedule: "15 * * * *" });
      expect(paused).toMatchObject({ enabled: false, schedule: "15 * * * *", next_run_date: null });
      expect((await client.crons.search({ metadata: tag, enabled: false })).map((found) => found.cron_id)).toEqual([cron.cron_id]);

      await client.crons.delete(cron.cron_id);
      await client.crons.delete(bound.cron_id);
      expect(await client.crons.count({ metadata: tag })).toBe(0);
      await expect(client.crons.update(cron.cron_id, { enabled: true })).rejects.toThrow(/404.*Cron not found/);
    });

    it("refuses a bad expression, time zone or assistant with a clear 4xx and stores nothing", async () => {
      const tag = { suite: randomUUID() };
      await expect(client.crons.create("keeper", { schedule: "every tuesday", metadata: tag })).rejects.toThrow(/422.*Invalid cron schedule/);
      await expect(client.crons.create("keeper", { schedule: "0 * * * *", timezone: "Mars/Olympus", metadata: tag })).rejects.toThrow(/422.*Invalid cron schedule/);
      await expect(client.crons.create("nope", { schedule: "0 * * * *", metadata: tag })).rejects.toThrow(/404.*No assistant found/);
      await expect(client.crons.createForThread(randomUUID(), "keeper", { schedule: "0 * * * *", metadata: tag })).rejects.toThrow(/404.*Thread with ID/);
      expect(await client.crons.count({ metadata: tag })).toBe(0);
    });

    it("fires a thread-bound cron as normal runs on its thread, one per tick, until deleted", async () => {
      const thread = await client.threads.create();
      const fired = await metric("fired");
      const cron = await client.crons.createForThread(thread.thread_id, "keeper", { schedule: EVERY_SECOND, input: {}, multitaskStrategy: "enqueue" });
      await waitUntil(async () => (await client.runs.list(thread.thread_id)).length >= 2, "two ticks", { tries: 600, everyMs: 50 });
      await client.crons.delete(cron.cron_id);
      const runs = await client.runs.list(thread.thread_id, { limit: 100 });
      const ticks = runs.map((run) => (run.metadata as { cron_tick?: string }).cron_tick);
      expect(runs.every((run) => (run.metadata as { cron_id?: string }).cron_id === cron.cron_id)).toBe(true);
      expect(new Set(ticks).size).toBe(ticks.length);
      expect(await metric("fired")).toBeGreaterThanOrEqual(fired + 2);
      expect(await metric("duplicate")).toBe(0);
      await waitUntil(async () => (await client.runs.list(thread.thread_id, { limit: 100 })).every((run) => run.status === "success"), "the runs to finish", { tries: 600, everyMs: 50 });
      expect((await client.threads.getState(thread.thread_id)).values).toMatchObject({ runs: expect.any(Number) });
    });

    it("fires a stateless cron on a new thread per run, kept with on_run_completed keep", async () => {
      const tag = randomUUID();
      const cron = await client.crons.create("keeper", { schedule: EVERY_SECOND, input: {}, onRunCompleted: "keep", metadata: { tag } });
      const kept = async () => (await client.threads.search({ limit: 100 })).filter((thread) => (thread.values as { runs?: number } | null)?.runs === 1);
      const before = (await kept()).length;
      await waitUntil(async () => (await kept()).length >= before + 2, "two kept threads", { tries: 600, everyMs: 50 });
      await client.crons.delete(cron.cron_id);
    });
  });
}
