/**
 * Thread and run housekeeping through the official SDK, in Redis and embedded mode: `prune` with
 * `delete` and `keep_latest`, thread TTL (`ttl` on create and update, both strategies) and
 * `runs.cancelMany` by thread, by run ids across threads and by status. The reference
 * (`langgraph dev`) serves none of these (the Platform does), so this file runs on ours only.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Client } from "@langchain/langgraph-sdk";
import { waitUntil } from "./support/scale.js";
import { startApiTarget, type ApiTarget } from "./support/oracle.js";

const CONFIG = new URL("./fixtures/parity/langgraph.json", import.meta.url).pathname;
const MINUTE_MS = 60_000;

for (const mode of ["redis", "embedded"] as const) {
  describe(`prune, thread TTL and cancelling many runs (${mode})`, () => {
    let target: ApiTarget;
    let client: Client;
    const historyLength = async (threadId: string) => (await client.threads.getHistory(threadId, { limit: 100 })).length;
    const exists = (threadId: string) => client.threads.get(threadId).then(() => true, () => false);

    beforeAll(async () => {
      target = await startApiTarget(CONFIG, { redis: mode === "redis", env: { SERVER_THREAD_TTL_SWEEP_MS: "50" } });
      client = target.client();
    }, 150_000);
    afterAll(async () => target?.close());

    it("prunes with keep_latest to the latest checkpoint (state kept), and with delete entirely", async () => {
      const thread = await client.threads.create();
      for (let i = 0; i < 3; i++) await client.runs.wait(thread.thread_id, "keeper", { input: {} });
      expect(await historyLength(thread.thread_id)).toBeGreaterThan(3);
      expect(await client.threads.prune([thread.thread_id], { strategy: "keep_latest" })).toEqual({ pruned_count: 1 });
      expect(await historyLength(thread.thread_id)).toBe(1);
      expect((await client.threads.getState(thread.thread_id)).values).toMatchObject({ runs: 3 });
      // The pruned thread goes on from its latest checkpoint.
      expect(await client.runs.wait(thread.thread_id, "keeper", { input: {} })).toMatchObject({ runs: 4 });
      expect(await client.threads.prune([thread.thread_id], { strategy: "delete" })).toEqual({ pruned_count: 1 });
      expect(await exists(thread.thread_id)).toBe(false);
    });

    it("deletes a thread idle past its ttl, and not one touched in time or without a ttl", async () => {
      const doomed = await client.threads.create({ ttl: 0.3 / 60 });
      const kept = await client.threads.create();
      const touched = await client.threads.create({ ttl: { ttl: 5, strategy: "delete" } });
      await waitUntil(async () => !(await exists(doomed.thread_id)), "the thread with a 0.3 s ttl to go");
      expect(await exists(kept.thread_id)).toBe(true);
      expect(await exists(touched.thread_id)).toBe(true);
      // An update sets a new ttl.
      await client.threads.update(touched.thread_id, { ttl: 0.3 / 60 });
      await waitUntil(async () => !(await exists(touched.thread_id)), "the updated thread to go");
    });

    it("with keep_latest, prunes an idle thread to its latest checkpoint and keeps it", async () => {
      // The SDK's type names only "delete"; the Platform's API also has keep_latest.
      const thread = await client.threads.create({ ttl: { ttl: 0.3 / 60, strategy: "keep_latest" as "delete" } });
      for (let i = 0; i < 2; i++) await client.runs.wait(thread.thread_id, "keeper", { input: {} });
      await waitUntil(async () => (await historyLength(thread.thread_id)) === 1, "the history to be pruned");
      expect((await client.threads.getState(thread.thread_id)).values).toMatchObject({ runs: 2 });
    });

    it("cancels many runs: pending ones by status, named ones on any thread, a whole thread", async () => {
      const slow = { config: { configurable: { delayMs: 5 * MINUTE_MS } } };
      const [a, b] = [await client.threads.create(), await client.threads.create()];
      const runningA = await client.runs.create(a.thread_id, "napper", { input: {}, ...slow });
      const pendingA = await client.runs.create(a.thread_id, "napper", { input: {}, ...slow, multitaskStrategy: "enqueue" });
      const runningB = await client.runs.create(b.thread_id, "napper", { input: {}, ...slow });
      const statusOf = async (threadId: string, runId: string) => (await client.runs.get(threadId, runId)).status;
      await waitUntil(async () => (await statusOf(a.thread_id, runningA.run_id)) === "running" && (await statusOf(b.thread_id, runningB.run_id)) === "running", "both runs to start");

      await client.runs.cancelMany({ status: "pending" });
      await waitUntil(async () => (await statusOf(a.thread_id, pendingA.run_id)) === "interrupted", "the pending run to be cancelled");
      expect(await statusOf(a.thread_id, runningA.run_id)).toBe("running");
      expect(await statusOf(b.thread_id, runningB.run_id)).toBe("running");

      await client.runs.cancelMany({ runIds: [runningB.run_id] });
      await waitUntil(async () => (await statusOf(b.thread_id, runningB.run_id)) === "interrupted", "the named run to be cancelled");
      expect(await statusOf(a.thread_id, runningA.run_id)).toBe("running");

      await client.runs.cancelMany({ threadId: a.thread_id });
      await waitUntil(async () => (await statusOf(a.thread_id, runningA.run_id)) === "interrupted", "the thread's run to be cancelled");
      await expect(client.runs.cancelMany({})).rejects.toThrow(/422.*Say which runs to cancel/);
    });
  });
}
