/**
 * The run handler without HTTP: a run handed back at shutdown is taken over (attempt 1) and
 * continues from its last checkpoint instead of replaying its input, its events numbered on
 * after the first attempt's (attempt 1, then 2).
 */
import { describe, expect, it } from "vitest";
import { MemorySaver } from "@langchain/langgraph";
import { silentLogger } from "../../lib/logger.js";
import { GraphRegistry } from "../graphs/registry.js";
import { createMemoryStorage } from "../records/memory.js";
import { slow } from "../../test/fixtures/server/graphs.js";
import { pendingRunRecord } from "../../test/support/run-record.js";
import type { RunRecord } from "../records/types.js";
import { InMemoryRunEventLog } from "./event-log-memory.js";
import { createRunHandler } from "./handler.js";
import type { RunEvent, RunJobContext } from "../../lib/contracts/execution.js";

function slowRun(threadId: string, runId: string, steps: number): RunRecord {
  return pendingRunRecord(threadId, { runId, graphId: "slow", input: { label: "x" }, configurable: { thread_id: threadId, steps, delayMs: 20 } });
}

describe("run handler", () => {
  it("takes over a run handed back at shutdown and continues from its last checkpoint", async () => {
    const saver = new MemorySaver();
    const graph = slow.withConfig({}) as typeof slow;
    const graphs = new GraphRegistry([{ id: "slow", graph: graph as never }]);
    graphs.attach(saver, undefined as never);
    const storage = createMemoryStorage();
    const events = new InMemoryRunEventLog();
    const enqueued: string[] = [];
    const handler = createRunHandler({ storage, graphs, saver, events, queue: { enqueue: async (job) => void enqueued.push(job.runId) }, logger: silentLogger() });
    const threadId = "00000000-0000-4000-8000-00000000000a";
    const run = slowRun(threadId, "00000000-0000-4000-8000-00000000000b", 10);
    await storage.runs.create(run, { ifNotExists: "create", newThread: { thread_id: threadId, created_at: run.created_at, updated_at: run.created_at, metadata: {}, config: {}, status: "idle", values: null, interrupts: {}, owner: "default" } });

    const controller = new AbortController();
    const first: RunJobContext = { signal: controller.signal, abortReason: () => (controller.signal.aborted ? { kind: "shutdown" } : undefined), attempt: 0 };
    const pending = handler({ runId: run.run_id, threadId, owner: "default" }, first);
    for (let i = 0; i < 200 && ((await graph.getState({ configurable: { thread_id: threadId } })).values.count ?? 0) < 3; i++) await new Promise((resolve) => setTimeout(resolve, 10));
    controller.abort("shutdown");
    expect(await pending).toBe("pending");
    const handedBack = await storage.runs.get(threadId, run.run_id);
    expect(handedBack?.status).toBe("running");
    expect(await storage.runs.active(threadId)).toEqual([run.run_id]);
    const countAtHandBack = (await graph.getState({ configurable: { thread_id: threadId } })).values.count;
    expect(countAtHandBack).toBeGreaterThanOrEqual(3);

    const second: RunJobContext = { signal: new AbortController().signal, abortReason: () => undefined, attempt: 1 };
    expect(await handler({ runId: run.run_id, threadId, owner: "default" }, second)).toBe("success");
    const final = await graph.getState({ configurable: { thread_id: threadId } });
    expect(final.values.count).toBe(10);
    // Continuing (input null) writes no second input checkpoint; replaying the input would have.
    const sources: unknown[] = [];
    for await (const state of graph.getStateHistory({ configurable: { thread_id: threadId } })) sources.push(state.metadata?.source);
    expect(sources.filter((source) => source === "input")).toHaveLength(1);
    expect((await storage.runs.get(threadId, run.run_id))?.status).toBe("success");
    expect((await storage.threads.get(threadId))?.status).toBe("idle");
    const seen: RunEvent[] = [];
    for await (const event of events.read(run.run_id, {})) seen.push(event);
    expect(seen.map((event) => event.id)).toEqual(seen.map((_, index) => String(index)));
    expect(seen.filter((event) => event.event === "metadata").map((event) => (event.data as { attempt: number }).attempt)).toEqual([1, 2]);
  });

  it("writes a leased run's checkpoints through the checkpointer its lease fences, leaving the served graph as it was", async () => {
    const saver = new MemorySaver();
    const fenced = new MemorySaver();
    const graph = slow.withConfig({}) as typeof slow;
    const graphs = new GraphRegistry([{ id: "slow", graph: graph as never }]);
    graphs.attach(saver, undefined as never);
    const storage = createMemoryStorage();
    const handler = createRunHandler({ storage, graphs, saver, events: new InMemoryRunEventLog(), queue: { enqueue: async () => {} }, logger: silentLogger() });
    const threadId = "00000000-0000-4000-8000-00000000000c";
    const run = slowRun(threadId, "00000000-0000-4000-8000-00000000000d", 2);
    await storage.runs.create(run, { ifNotExists: "create", newThread: { thread_id: threadId, created_at: run.created_at, updated_at: run.created_at, metadata: {}, config: {}, status: "idle", values: null, interrupts: {}, owner: "default" } });

    const context: RunJobContext = { signal: new AbortController().signal, abortReason: () => undefined, attempt: 0, checkpointer: fenced };
    expect(await handler({ runId: run.run_id, threadId, owner: "default" }, context)).toBe("success");
    expect((await fenced.getTuple({ configurable: { thread_id: threadId } }))?.checkpoint.channel_values).toMatchObject({ count: 2 });
    expect(await saver.getTuple({ configurable: { thread_id: threadId } })).toBeUndefined();
    expect(graph.checkpointer).toBe(saver);
  });
});
