/**
 * A cron tick creates its run at most once however often it is fired (two processes, a BullMQ
 * retry of a tick whose process died): the tick's run id is the same on every firing and is
 * created once (even after a new-thread run was deleted). A tick whose run could not be queued is
 * created by the retry; one whose process stored the run and died is queued by the retry. Fires the tick directly, in Redis and
 * embedded mode; the crons' schedules lie far ahead so no timer fires them meanwhile.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Client } from "@langchain/langgraph-sdk";
import { UpstreamUnavailableError } from "../lib/errors.js";
import { fireCron, tickRunId } from "../server/api/crons/service.js";
import { startTestServer, type TestServer } from "./support/server.js";
import { eventually } from "./support/scale.js";

const CONFIG = new URL("./fixtures/parity/langgraph.json", import.meta.url).pathname;
const NEW_YEAR = "0 0 1 1 *";

for (const mode of ["redis", "embedded"] as const) {
  describe(`a cron tick's run is created once (${mode})`, () => {
    let server: TestServer;
    let client: Client;
    const metric = async (outcome: string) => {
      const text = await (await fetch(`${server.url}/metrics`)).text();
      return Number(new RegExp(`switchboard_cron_firings_total\\{outcome="${outcome}"\\} (\\d+)`).exec(text)?.[1] ?? 0);
    };
    const tickRuns = async (threadId: string, tick: string) => (await client.runs.list(threadId)).filter((run) => (run.metadata as { cron_tick?: string }).cron_tick === tick);

    beforeAll(async () => {
      server = await startTestServer({ redis: mode === "redis", configPath: CONFIG });
      client = server.client();
    }, 150_000);
    afterAll(async () => server?.close());

    it("names the same run id for a tick everywhere, and a different one per tick and per cron", () => {
      expect(tickRunId("cron-a", "repeat:cron-a:1700000000000")).toBe(tickRunId("cron-a", "repeat:cron-a:1700000000000"));
      expect(tickRunId("cron-a", "repeat:cron-a:1700000001000")).not.toBe(tickRunId("cron-a", "repeat:cron-a:1700000000000"));
      expect(tickRunId("cron-b", "1700000000000")).not.toBe(tickRunId("cron-a", "1700000000000"));
      expect(tickRunId("cron-a", "repeat:cron-a:1700000000000")).toMatch(/^018bcfe5-6800-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    });

    it("fires a tick fired three times (twice at once) into one run", async () => {
      const thread = await client.threads.create();
      const cron = await client.crons.createForThread(thread.thread_id, "keeper", { schedule: NEW_YEAR, input: {}, multitaskStrategy: "enqueue" });
      const tick = `repeat:${cron.cron_id}:1700000000000`;
      const [fired, duplicate] = [await metric("fired"), await metric("duplicate")];
      await Promise.all([fireCron(server.runtime.deps, cron.cron_id, tick), fireCron(server.runtime.deps, cron.cron_id, tick)]);
      await fireCron(server.runtime.deps, cron.cron_id, tick);
      const runs = await tickRuns(thread.thread_id, tick);
      expect(runs.map((run) => run.run_id)).toEqual([tickRunId(cron.cron_id, tick)]);
      expect([await metric("fired"), await metric("duplicate")]).toEqual([fired + 1, duplicate + 2]);
      await client.runs.join(thread.thread_id, runs[0]!.run_id);
      await client.crons.delete(cron.cron_id);
    });

    it("lets the retry of a tick whose run could not be queued create it (the undo forgets the tick's marker)", async () => {
      const thread = await client.threads.create();
      const cron = await client.crons.createForThread(thread.thread_id, "keeper", { schedule: NEW_YEAR, input: {} });
      const tick = `repeat:${cron.cron_id}:1700000060000`;
      const { queue } = server.runtime.deps;
      const enqueue = queue.enqueue.bind(queue);
      queue.enqueue = async () => {
        queue.enqueue = enqueue;
        throw new UpstreamUnavailableError("redis", "enqueue", "the queue is away (test)");
      };
      // An outage is thrown so the scheduler retries the tick; the stored run was undone.
      await expect(fireCron(server.runtime.deps, cron.cron_id, tick)).rejects.toThrow(UpstreamUnavailableError);
      expect(await tickRuns(thread.thread_id, tick)).toEqual([]);
      await fireCron(server.runtime.deps, cron.cron_id, tick);
      await client.runs.join(thread.thread_id, tickRunId(cron.cron_id, tick));
      expect((await tickRuns(thread.thread_id, tick)).map((run) => [run.run_id, run.status])).toEqual([[tickRunId(cron.cron_id, tick), "success"]]);
      await client.crons.delete(cron.cron_id);
    });

    // Only the Redis queue can tell that no process holds a run; in the embedded mode no process can die and keep serving.
    it.skipIf(mode === "embedded")("queues, on the retry, a tick's run its process stored but died before queueing and undoing", async () => {
      const thread = await client.threads.create();
      const cron = await client.crons.createForThread(thread.thread_id, "keeper", { schedule: NEW_YEAR, input: {} });
      const tick = `repeat:${cron.cron_id}:1700000090000`;
      const { queue, storage } = server.runtime.deps;
      const [enqueue, discard] = [queue.enqueue.bind(queue), storage.runs.discard.bind(storage.runs)];
      // The process "dies" after storing the run: it neither queues it nor undoes it.
      queue.enqueue = async () => {
        throw new UpstreamUnavailableError("redis", "enqueue", "the process died (test)");
      };
      storage.runs.discard = async () => "missing";
      await expect(fireCron(server.runtime.deps, cron.cron_id, tick)).rejects.toThrow(UpstreamUnavailableError);
      [queue.enqueue, storage.runs.discard] = [enqueue, discard];
      expect((await tickRuns(thread.thread_id, tick)).map((run) => run.status)).toEqual(["pending"]);
      await fireCron(server.runtime.deps, cron.cron_id, tick);
      await client.runs.join(thread.thread_id, tickRunId(cron.cron_id, tick));
      expect((await tickRuns(thread.thread_id, tick)).map((run) => [run.run_id, run.status])).toEqual([[tickRunId(cron.cron_id, tick), "success"]]);
      await client.crons.delete(cron.cron_id);
    });

    it("does not fire a new-thread tick again after its run and thread were deleted", async () => {
      const cron = await client.crons.create("keeper", { schedule: NEW_YEAR, input: {}, onRunCompleted: "delete" } as never);
      const tick = `repeat:${cron.cron_id}:1700000120000`;
      const runId = tickRunId(cron.cron_id, tick);
      await fireCron(server.runtime.deps, cron.cron_id, tick);
      // The run's temporary thread (named by the run) is deleted when it completes.
      await eventually(async () => expect(await server.runtime.deps.storage.threads.get(runId)).toBeUndefined(), 30_000, 50);
      const [fired, duplicate] = [await metric("fired"), await metric("duplicate")];
      await fireCron(server.runtime.deps, cron.cron_id, tick);
      expect([await metric("fired"), await metric("duplicate")]).toEqual([fired, duplicate + 1]);
      expect(await server.runtime.deps.storage.threads.get(runId)).toBeUndefined();
      await client.crons.delete(cron.cron_id);
    });
  });
}
