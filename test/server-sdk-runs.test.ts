/**
 * Run lifecycle through the official SDK client against the server on Redis: background runs,
 * join, cancel (interrupt and rollback), reconnecting to a stream mid-run, each multitask
 * strategy, state edits and forks from an old checkpoint, thread copy/search, store round trip.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Client } from "@langchain/langgraph-sdk";
import { waitUntil } from "./support/scale.js";
import { FIXTURE_CONFIG, startTestServer, type TestServer } from "./support/server.js";

const slowly = (steps: number, delayMs = 40) => ({ configurable: { steps, delayMs } });

for (const mode of ["redis", "embedded"] as const) {
  describe(`run lifecycle through the SDK (${mode})`, () => {
    let server: TestServer;
    let client: Client;

    beforeAll(async () => {
      server = await startTestServer({ redis: mode === "redis", configPath: FIXTURE_CONFIG });
      client = server.client();
    });
    afterAll(async () => server?.close());

    const count = async (threadId: string) => ((await client.threads.getState(threadId)).values as { count?: number }).count ?? 0;

    it("joins a background run and lists it with its final status", async () => {
      const thread = await client.threads.create();
      const run = await client.runs.create(thread.thread_id, "slow", { input: { label: "bg" }, config: slowly(3, 10) });
      expect(["pending", "running"]).toContain(run.status);
      const result = (await client.runs.join(thread.thread_id, run.run_id)) as { count: number };
      expect(result.count).toBe(3);
      expect((await client.runs.get(thread.thread_id, run.run_id)).status).toBe("success");
      const runs = await client.runs.list(thread.thread_id);
      expect(runs.map((listed) => listed.run_id)).toEqual([run.run_id]);
    });

    it("cancels a running run with interrupt, keeping what it wrote", async () => {
      const thread = await client.threads.create();
      const run = await client.runs.create(thread.thread_id, "slow", { input: { label: "c" }, config: slowly(200, 30) });
      await waitUntil(async () => (await count(thread.thread_id)) >= 2, "two ticks");
      await client.runs.cancel(thread.thread_id, run.run_id, true, "interrupt");
      expect((await client.runs.get(thread.thread_id, run.run_id)).status).toBe("interrupted");
      const kept = await count(thread.thread_id);
      expect(kept).toBeGreaterThanOrEqual(2);
      expect(kept).toBeLessThan(200);
      expect((await client.threads.get(thread.thread_id)).status).not.toBe("busy");
    });

    it("cancels with rollback: the run is erased and the thread is back where it was", async () => {
      const thread = await client.threads.create();
      await client.runs.wait(thread.thread_id, "slow", { input: { label: "first" }, config: slowly(2, 5) });
      const run = await client.runs.create(thread.thread_id, "slow", { input: { label: "second" }, config: slowly(200, 30) });
      await waitUntil(async () => (await count(thread.thread_id)) >= 4, "ticks of the second run");
      await client.runs.cancel(thread.thread_id, run.run_id, true, "rollback");
      await expect(client.runs.get(thread.thread_id, run.run_id)).rejects.toThrow(/404/);
      const state = await client.threads.getState(thread.thread_id);
      expect(state.values).toMatchObject({ count: 2, label: "first" });
    });

    it("reconnects to a running run's stream with Last-Event-ID and misses nothing", async () => {
      const thread = await client.threads.create();
      const run = await client.runs.create(thread.thread_id, "slow", { input: { label: "r" }, config: slowly(8, 30), streamMode: ["updates"] });
      const first: { id?: string; event: string }[] = [];
      for await (const part of client.runs.joinStream(thread.thread_id, run.run_id)) {
        first.push(part as never);
        if (first.filter((p) => p.event === "updates").length === 2) break;
      }
      const lastId = first.at(-1)!.id!;
      const rest: { id?: string; event: string; data: unknown }[] = [];
      for await (const part of client.runs.joinStream(thread.thread_id, run.run_id, { lastEventId: lastId })) rest.push(part as never);
      const updates = [...first, ...rest].filter((p) => p.event === "updates");
      expect(updates.length).toBe(8);
      expect(new Set(updates.map((p) => p.id)).size).toBe(8);
      // A late joiner with no id gets the whole run.
      const all: { event: string }[] = [];
      for await (const part of client.runs.joinStream(thread.thread_id, run.run_id)) all.push(part as never);
      expect(all[0]?.event).toBe("metadata");
      expect(all.filter((p) => p.event === "updates").length).toBe(8);
    });

    it("multitask reject: a second run on a busy thread is refused with 409", async () => {
      const thread = await client.threads.create();
      const run = await client.runs.create(thread.thread_id, "slow", { input: { label: "a" }, config: slowly(20, 20) });
      await expect(client.runs.create(thread.thread_id, "slow", { input: { label: "b" }, multitaskStrategy: "reject" })).rejects.toThrow(/409/);
      await client.runs.cancel(thread.thread_id, run.run_id, true);
    });

    it("multitask interrupt: the running run is interrupted and the new one runs", async () => {
      const thread = await client.threads.create();
      const first = await client.runs.create(thread.thread_id, "slow", { input: { label: "a" }, config: slowly(200, 30) });
      await waitUntil(async () => (await count(thread.thread_id)) >= 1, "first tick");
      const second = await client.runs.create(thread.thread_id, "slow", { input: { label: "b" }, config: slowly(1, 1), multitaskStrategy: "interrupt" });
      await client.runs.join(thread.thread_id, second.run_id);
      expect((await client.runs.get(thread.thread_id, first.run_id)).status).toBe("interrupted");
      expect((await client.runs.get(thread.thread_id, second.run_id)).status).toBe("success");
      expect(((await client.threads.getState(thread.thread_id)).values as { label: string }).label).toBe("b");
    });

    it("multitask rollback: the running run is erased, the new one runs on the state before it", async () => {
      const thread = await client.threads.create();
      const first = await client.runs.create(thread.thread_id, "slow", { input: { label: "a" }, config: slowly(200, 30) });
      await waitUntil(async () => (await count(thread.thread_id)) >= 2, "ticks");
      const second = await client.runs.create(thread.thread_id, "slow", { input: { label: "b" }, config: slowly(1, 1), multitaskStrategy: "rollback" });
      const result = (await client.runs.join(thread.thread_id, second.run_id)) as { count: number; label: string };
      expect(result).toMatchObject({ count: 1, label: "b" });
      await expect(client.runs.get(thread.thread_id, first.run_id)).rejects.toThrow(/404/);
    });

    it("multitask enqueue: runs execute one after another in order", async () => {
      const thread = await client.threads.create();
      const runs = [];
      for (const label of ["a", "b", "c"]) runs.push(await client.runs.create(thread.thread_id, "slow", { input: { label }, config: slowly(2, 10), multitaskStrategy: "enqueue" }));
      const last = (await client.runs.join(thread.thread_id, runs[2]!.run_id)) as { count: number; label: string };
      // a ticks 0→2; b and c each start at or past their target of 2, so each ticks once: 2 + 1 + 1.
      expect(last).toMatchObject({ count: 4, label: "c" });
      const labels = [];
      for (const state of await client.threads.getHistory(thread.thread_id, { limit: 100 })) labels.push((state.values as { label?: string }).label);
      // Each run saw the previous one's state: labels change a → b → c over time, never interleaved.
      const order = [...labels].reverse().filter((label, index, all) => label && label !== all[index - 1]);
      expect(order).toEqual(["a", "b", "c"]);
      for (const run of runs) expect((await client.runs.get(thread.thread_id, run.run_id)).status).toBe("success");
      expect((await client.threads.get(thread.thread_id)).status).toBe("idle");
    });

    it("edits state and forks from an old checkpoint; history is newest first with parents", async () => {
      const thread = await client.threads.create();
      await client.runs.wait(thread.thread_id, "echo", { input: { messages: [{ role: "human", content: "one" }] } });
      await client.runs.wait(thread.thread_id, "echo", { input: { messages: [{ role: "human", content: "two" }] } });
      const history = await client.threads.getHistory(thread.thread_id, { limit: 100 });
      expect(history.length).toBeGreaterThanOrEqual(6);
      expect(history[0]!.checkpoint.checkpoint_id! > history[1]!.checkpoint.checkpoint_id!).toBe(true);
      expect(history[0]!.parent_checkpoint?.checkpoint_id).toBe(history[1]!.checkpoint.checkpoint_id);
      const afterFirst = history.find((state) => (state.values as { echoed?: number }).echoed === 1 && state.next.length === 0)!;
      const atOld = await client.threads.getState(thread.thread_id, afterFirst.checkpoint.checkpoint_id!);
      expect((atOld.values as { messages: unknown[] }).messages).toHaveLength(2);
      const forked = await client.threads.updateState(thread.thread_id, { values: { echoed: 10 }, checkpointId: afterFirst.checkpoint.checkpoint_id!, asNode: "echo" });
      expect(forked.configurable?.checkpoint_id).toBeTruthy();
      const latest = await client.threads.getState(thread.thread_id);
      expect(latest.values).toMatchObject({ echoed: 11 });
      expect((latest.values as { messages: unknown[] }).messages).toHaveLength(2);
      const resumed = (await client.runs.wait(thread.thread_id, "echo", { input: { messages: [{ role: "human", content: "three" }] } })) as { echoed: number; messages: unknown[] };
      expect(resumed).toMatchObject({ echoed: 12 });
      expect(resumed.messages).toHaveLength(4);
    });

    it("copies, searches and counts threads", async () => {
      const thread = await client.threads.create({ metadata: { project: `p-${mode}` } });
      await client.runs.wait(thread.thread_id, "echo", { input: { messages: [{ role: "human", content: "c" }] } });
      const copy = await client.threads.copy(thread.thread_id);
      expect(copy.thread_id).not.toBe(thread.thread_id);
      expect((await client.threads.getState(copy.thread_id)).values).toMatchObject({ echoed: 1 });
      const found = await client.threads.search({ metadata: { project: `p-${mode}` } });
      expect(found.map((t) => t.thread_id).sort()).toEqual([thread.thread_id, copy.thread_id].sort());
      expect(await client.threads.count({ metadata: { project: `p-${mode}` } })).toBe(2);
      await client.threads.delete(copy.thread_id);
      await expect(client.threads.get(copy.thread_id)).rejects.toThrow(/404/);
    });

    it("stops before and after nodes (interrupt_before/after) and continues on the next run", async () => {
      const thread = await client.threads.create();
      await client.runs.wait(thread.thread_id, "approval", { input: { request: "x" }, interruptBefore: ["ask"] });
      const paused = await client.threads.getState(thread.thread_id);
      expect(paused.next).toEqual(["ask"]);
      expect((await client.threads.get(thread.thread_id)).status).toBe("interrupted");
      const after = await client.threads.create();
      await client.runs.wait(after.thread_id, "echo", { input: { messages: [{ role: "human", content: "q" }] }, interruptAfter: ["echo"] });
      expect((await client.threads.getState(after.thread_id)).values).toMatchObject({ echoed: 1 });
    });

    it("streams custom, tasks, checkpoints and debug modes", async () => {
      const thread = await client.threads.create();
      const events = new Set<string>();
      for await (const part of client.runs.stream(thread.thread_id, "slow", { input: { label: "m" }, config: slowly(2, 1), streamMode: ["custom", "tasks", "checkpoints", "debug"] })) events.add(part.event);
      expect([...events].sort()).toEqual(["checkpoints", "custom", "debug", "metadata", "tasks"]);
    });

    it("round-trips store items", async () => {
      await client.store.putItem(["prefs", "ada"], "theme", { color: "teal" });
      expect((await client.store.getItem(["prefs", "ada"], "theme"))?.value).toEqual({ color: "teal" });
      const searched = await client.store.searchItems(["prefs"], { filter: { color: "teal" } });
      expect(searched.items.map((item) => item.key)).toEqual(["theme"]);
      const namespaces = await client.store.listNamespaces({ prefix: ["prefs"] });
      expect(namespaces.namespaces).toContainEqual(["prefs", "ada"]);
      await client.store.deleteItem(["prefs", "ada"], "theme");
      expect(await client.store.getItem(["prefs", "ada"], "theme")).toBeNull();
    });
  });
}
