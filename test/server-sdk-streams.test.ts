/**
 * Streams and runs through the official SDK, in Redis and embedded mode: event ids 0, 1, 2, …
 * with Last-Event-ID, `metadata` attempt 1, `after_seconds` (pending, listed, thread busy,
 * state updates refused), the run's metadata in its checkpoints, run status against the graph's
 * terminal state, joining with `stream_mode`, and the thread-wide stream.
 *
 * Runnable against the reference (`SWITCHBOARD_ORACLE=langgraph-dev`): the tests of behaviour
 * the reference has run there too; those of Switchboard's rails and of what only the Platform
 * serves (the thread stream, join filtering) are skipped there.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Client } from "@langchain/langgraph-sdk";
import { waitUntil } from "./support/scale.js";
import { againstReference, startApiTarget, type ApiTarget } from "./support/oracle.js";

const CONFIG = new URL("./fixtures/streams/langgraph.json", import.meta.url).pathname;
const ticks = (steps: number, delayMs = 20) => ({ configurable: { steps, delayMs } });
const ours = it.skipIf(againstReference());

interface Part {
  id?: string;
  event: string;
  data: unknown;
}

async function collect(stream: AsyncIterable<Part>, until?: (parts: Part[]) => boolean, controller?: AbortController): Promise<Part[]> {
  const parts: Part[] = [];
  try {
    for await (const part of stream) {
      parts.push({ id: part.id, event: part.event, data: part.data });
      if (until?.(parts)) break;
    }
  } catch (error) {
    if (!controller?.signal.aborted) throw error;
  }
  controller?.abort();
  return parts;
}

for (const mode of againstReference() ? (["reference"] as const) : (["redis", "embedded"] as const)) {
  describe(`streams and runs through the SDK (${mode})`, () => {
    let target: ApiTarget;
    let client: Client;

    beforeAll(async () => {
      target = await startApiTarget(CONFIG, { redis: mode === "redis" });
      client = target.client();
    }, 150_000);
    afterAll(async () => target?.close());

    it("numbers a run's events 0, 1, 2, … from metadata (attempt 1); Last-Event-ID resumes after an id", async () => {
      const thread = await client.threads.create();
      const parts = await collect(client.runs.stream(thread.thread_id, "ticker", { input: { label: "ids" }, config: ticks(3), streamMode: ["values", "updates"], streamResumable: true }) as AsyncIterable<Part>);
      expect(parts.map((part) => part.id)).toEqual(parts.map((_, index) => String(index)));
      expect(parts[0]).toMatchObject({ event: "metadata", data: { attempt: 1 } });
      const runId = (parts[0]!.data as { run_id: string }).run_id;
      const rest = await collect(client.runs.joinStream(thread.thread_id, runId, { lastEventId: "1" }) as AsyncIterable<Part>);
      expect(rest.map((part) => `${part.id} ${part.event}`)).toEqual(parts.slice(2).map((part) => `${part.id} ${part.event}`));
    });

    it("after_seconds: the run is pending and listed until due, the thread is busy, a state update is refused with 409", async () => {
      const thread = await client.threads.create();
      const run = await client.runs.create(thread.thread_id, "ticker", { input: { label: "later" }, config: ticks(1), afterSeconds: 1.5 });
      expect(run.status).toBe("pending");
      expect(Date.parse(run.created_at)).toBeGreaterThan(Date.parse(run.updated_at));
      const listed = await client.runs.list(thread.thread_id);
      expect(listed.map((item) => [item.run_id, item.status])).toEqual([[run.run_id, "pending"]]);
      expect((await client.threads.get(thread.thread_id)).status).toBe("busy");
      await expect(client.threads.updateState(thread.thread_id, { values: { label: "edited" } })).rejects.toThrow(/409.*busy/i);
      expect((await client.runs.get(thread.thread_id, run.run_id)).status).toBe("pending");
      const result = (await client.runs.join(thread.thread_id, run.run_id)) as { count: number; label: string };
      expect(result).toMatchObject({ count: 1, label: "later" });
      expect((await client.runs.get(thread.thread_id, run.run_id)).status).toBe("success");
    });

    it("after_seconds: a delayed run cancelled before it is due ends at once, interrupted", async () => {
      const thread = await client.threads.create();
      const run = await client.runs.create(thread.thread_id, "ticker", { input: { label: "never" }, config: ticks(1), afterSeconds: 600 });
      await client.runs.cancel(thread.thread_id, run.run_id, true);
      expect((await client.runs.get(thread.thread_id, run.run_id)).status).toBe("interrupted");
      expect((await client.threads.get(thread.thread_id)).status).toBe("idle");
    });

    it("writes the run's metadata into its checkpoints: history filtered by it finds them", async () => {
      const thread = await client.threads.create();
      const run = await client.runs.create(thread.thread_id, "ticker", { input: { label: "meta" }, config: ticks(2), metadata: { purpose: "history-filter", batch: 7 } });
      await client.runs.join(thread.thread_id, run.run_id);
      const found = await client.threads.getHistory(thread.thread_id, { limit: 100, metadata: { purpose: "history-filter" } });
      const all = await client.threads.getHistory(thread.thread_id, { limit: 100 });
      expect(found.length).toBe(all.length);
      expect(found[0]!.metadata).toMatchObject({ purpose: "history-filter", batch: 7, run_id: run.run_id, thread_id: thread.thread_id, graph_id: "ticker" });
      expect(await client.threads.getHistory(thread.thread_id, { limit: 100, metadata: { batch: 7 } })).toHaveLength(all.length);
      expect(await client.threads.getHistory(thread.thread_id, { limit: 100, metadata: { purpose: "other" } })).toEqual([]);
    });

    it("a graph that throws ends its run in error, with an error event", async () => {
      const thread = await client.threads.create();
      const parts = await collect(client.runs.stream(thread.thread_id, "railed", { input: { outcome: "throw" }, streamMode: ["updates"] }) as AsyncIterable<Part>);
      expect(parts.at(-1)).toMatchObject({ event: "error", data: { message: "the node exploded" } });
      const runId = (parts[0]!.data as { run_id: string }).run_id;
      expect((await client.runs.get(thread.thread_id, runId)).status).toBe("error");
      expect((await client.threads.get(thread.thread_id)).status).toBe("error");
    });

    ours("a run whose graph ended failed is an error with the reason; budget_exceeded and loop_detected stay success", async () => {
      const thread = await client.threads.create();
      const parts = await collect(client.runs.stream(thread.thread_id, "railed", { input: { outcome: "failed" }, streamMode: ["values"] }) as AsyncIterable<Part>);
      expect(parts.at(-1)).toMatchObject({ event: "error", data: { error: "RunFailed", message: "The model endpoint stayed down." } });
      expect(parts.at(-2)).toMatchObject({ event: "values", data: { status: "failed" } });
      const runId = (parts[0]!.data as { run_id: string }).run_id;
      expect((await client.runs.get(thread.thread_id, runId)).status).toBe("error");
      expect((await client.threads.get(thread.thread_id)).status).toBe("error");
      await expect(client.runs.wait(thread.thread_id, "railed", { input: { outcome: "failed" } })).rejects.toThrow(/RunFailed: The model endpoint stayed down/);
      for (const outcome of ["budget_exceeded", "loop_detected", "completed"]) {
        const run = await client.runs.create(thread.thread_id, "railed", { input: { outcome } });
        expect(await client.runs.join(thread.thread_id, run.run_id)).toMatchObject({ status: outcome });
        expect((await client.runs.get(thread.thread_id, run.run_id)).status).toBe("success");
      }
    });

    ours("a run cancelled mid-way is interrupted and its state says cancelled", async () => {
      const thread = await client.threads.create();
      const run = await client.runs.create(thread.thread_id, "railed", { input: { outcome: "slow" } });
      await waitUntil(async () => (((await client.threads.getState(thread.thread_id)).values as { ticks?: number }).ticks ?? 0) >= 2, "two ticks");
      await client.runs.cancel(thread.thread_id, run.run_id, true, "interrupt");
      expect((await client.runs.get(thread.thread_id, run.run_id)).status).toBe("interrupted");
      const state = (await client.threads.getState(thread.thread_id)).values as { status: string; statusReason: string; ticks: number };
      expect(state).toMatchObject({ status: "cancelled", statusReason: "The run was cancelled." });
      expect(state.ticks).toBeGreaterThanOrEqual(2);
      expect(((await client.threads.get(thread.thread_id)).values as { status: string }).status).toBe("cancelled");
    });

    ours("joining with stream_mode gets only those modes (a subset of the run's); another mode is refused", async () => {
      const thread = await client.threads.create();
      const run = await client.runs.create(thread.thread_id, "ticker", { input: { label: "join" }, config: ticks(2), streamMode: ["values", "updates"] });
      await client.runs.join(thread.thread_id, run.run_id);
      const updates = await collect(client.runs.joinStream(thread.thread_id, run.run_id, { streamMode: ["updates"] }) as AsyncIterable<Part>);
      expect(new Set(updates.map((part) => part.event))).toEqual(new Set(["metadata", "updates"]));
      expect(updates.filter((part) => part.event === "updates")).toHaveLength(2);
      await expect(collect(client.runs.joinStream(thread.thread_id, run.run_id, { streamMode: ["messages"] }) as AsyncIterable<Part>)).rejects.toThrow(/422.*subset/);
    });

    ours("the thread stream follows every run of the thread in order, with run_done, and resumes with Last-Event-ID", async () => {
      const thread = await client.threads.create();
      const controller = new AbortController();
      const runDone = (parts: Part[]) => parts.filter((part) => part.event === "run_done").length === 2;
      const following = collect(client.threads.joinStream(thread.thread_id, { signal: controller.signal }) as AsyncIterable<Part>, runDone, controller);
      const first = await client.runs.create(thread.thread_id, "ticker", { input: { label: "one" }, config: ticks(2), streamMode: ["updates"] });
      const second = await client.runs.create(thread.thread_id, "ticker", { input: { label: "two" }, config: ticks(1), multitaskStrategy: "enqueue" });
      const parts = await following;
      const runOf = (part: Part) => (part.event === "metadata" || part.event === "run_done" ? (part.data as { run_id: string }).run_id : undefined);
      expect(parts.map(runOf).filter(Boolean)).toEqual([first.run_id, first.run_id, second.run_id, second.run_id]);
      expect(parts.map((part) => part.event)).toEqual(["metadata", "updates", "updates", "run_done", "metadata", "values", "values", "run_done"]);
      expect(parts.at(-1)!.data).toEqual({ run_id: second.run_id, status: "success" });
      expect(new Set(parts.map((part) => part.id)).size).toBe(parts.length);

      // Resumed after the first run's second event: the rest, the same ids.
      const resume = new AbortController();
      const rest = await collect(client.threads.joinStream(thread.thread_id, { lastEventId: parts[1]!.id!, signal: resume.signal }) as AsyncIterable<Part>, (seen) => seen.length === parts.length - 2, resume);
      expect(rest.map((part) => part.id)).toEqual(parts.slice(2).map((part) => part.id));
      // "-" replays every run retained; lifecycle keeps only starts and ends; state_update the state after each run.
      const lifecycle = new AbortController();
      const starts = await collect(client.threads.joinStream(thread.thread_id, { lastEventId: "-", streamMode: "lifecycle", signal: lifecycle.signal }) as AsyncIterable<Part>, runDone, lifecycle);
      expect(starts.map((part) => part.event)).toEqual(["metadata", "run_done", "metadata", "run_done"]);
      const states = new AbortController();
      const values = await collect(client.threads.joinStream(thread.thread_id, { lastEventId: "-", streamMode: "state_update", signal: states.signal }) as AsyncIterable<Part>, (seen) => seen.length === 2, states);
      expect(values.map((part) => [part.event, (part.data as { label: string }).label])).toEqual([["values", "one"], ["values", "two"]]);
    });

    ours("the thread stream refuses an unknown mode or id, and unknown threads", async () => {
      const thread = await client.threads.create();
      await expect(collect(client.threads.joinStream(thread.thread_id, { streamMode: "values" as never }) as AsyncIterable<Part>)).rejects.toThrow(/422.*thread stream mode/);
      await expect(collect(client.threads.joinStream(thread.thread_id, { lastEventId: "12" }) as AsyncIterable<Part>)).rejects.toThrow(/422.*Last-Event-ID/);
      await expect(collect(client.threads.joinStream("00000000-0000-4000-8000-000000000000") as AsyncIterable<Part>)).rejects.toThrow(/404/);
    });
  });
}
