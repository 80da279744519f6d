/**
 * The BullMQ run queue with a small test handler: several queue instances on one Redis stand for
 * several processes. Enqueue on one, run on another; cancel from a third; drain and hand-back on
 * close; attempts counted across hand-backs; depth.
 */
import { afterEach, describe, expect, it } from "vitest";
import { BullMqRunQueue } from "../../server/execution/queue/bullmq-run-queue.js";
import { testRedisUrl, uniquePrefix } from "../support/redis.js";
import { cleanQueuePrefix, controllableHandler, eventually } from "../support/scale.js";

describe("BullMqRunQueue", () => {
  const opened: BullMqRunQueue[] = [];
  const prefixes: string[] = [];
  const open = (prefix: string) => {
    const queue = new BullMqRunQueue({ url: testRedisUrl(), keyPrefix: prefix, lockDurationMs: 2_000, cancelSweepMs: 200 });
    opened.push(queue);
    return queue;
  };
  const freshPrefix = () => {
    const prefix = uniquePrefix("queue");
    prefixes.push(prefix);
    return prefix;
  };
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((queue) => queue.close().catch(() => {})));
    for (const prefix of prefixes.splice(0)) await cleanQueuePrefix(prefix);
  });

  it("runs a job enqueued by another process, counts waiting jobs, and cancels across processes", async () => {
    const prefix = freshPrefix();
    const api = open(prefix);
    const worker = open(prefix);
    await api.enqueue({ runId: "run-1", threadId: null, owner: "o" });
    await api.enqueue({ runId: "run-2", threadId: null, owner: "o" });
    await api.enqueue({ runId: "run-1", threadId: null, owner: "o" }); // same run id: one job
    expect(await api.depth()).toBe(2);

    const { handler, seen, release } = controllableHandler();
    await worker.startWorker(handler, { concurrency: 2 });
    await eventually(() => expect(seen.map((s) => s.runId).sort()).toEqual(["run-1", "run-2"]));
    expect(await api.depth()).toBe(0);
    expect(seen.every((s) => s.attempt === 0)).toBe(true);

    // A cancel sent through the API process reaches the handler in the worker process.
    await api.cancel("run-1", "rollback");
    await eventually(() => expect(seen.find((s) => s.runId === "run-1")!.context.signal.aborted).toBe(true));
    expect(seen.find((s) => s.runId === "run-1")!.context.abortReason()).toEqual({ kind: "cancel", action: "rollback" });
    release("run-2");
    await eventually(() => expect(worker.activeCount).toBe(0));
    expect(seen.find((s) => s.runId === "run-2")!.context.abortReason()).toBeUndefined();
  });

  it("a run cancelled while queued starts with its signal already aborted", async () => {
    const prefix = freshPrefix();
    const api = open(prefix);
    await api.enqueue({ runId: "queued", threadId: null, owner: "o" });
    await api.cancel("queued", "interrupt");
    const worker = open(prefix);
    const { handler, seen } = controllableHandler();
    await worker.startWorker(handler, { concurrency: 1 });
    await eventually(() => expect(seen).toHaveLength(1));
    expect(seen[0]!.context.signal.aborted).toBe(true);
    expect(seen[0]!.context.abortReason()).toEqual({ kind: "cancel", action: "interrupt" });
  });

  it("close with drain waits for in-flight runs; past the timeout it hands them back and another worker resumes them as a new attempt", async () => {
    const prefix = freshPrefix();
    const api = open(prefix);
    const first = open(prefix);
    const firstRuns = controllableHandler();
    await first.startWorker(firstRuns.handler, { concurrency: 2 });
    await api.enqueue({ runId: "finishes", threadId: null, owner: "o" });
    await api.enqueue({ runId: "handed-back", threadId: null, owner: "o" });
    await eventually(() => expect(firstRuns.seen).toHaveLength(2));

    const closing = first.close({ drain: true, timeoutMs: 500 });
    firstRuns.release("finishes");
    await closing;
    const handedBack = firstRuns.seen.find((s) => s.runId === "handed-back")!;
    expect(handedBack.context.abortReason()).toEqual({ kind: "shutdown" });
    expect(firstRuns.seen.find((s) => s.runId === "finishes")!.context.signal.aborted).toBe(false);
    expect(await api.depth()).toBe(1);

    const second = open(prefix);
    const secondRuns = controllableHandler();
    await second.startWorker(secondRuns.handler, { concurrency: 1 });
    await eventually(() => expect(secondRuns.seen.map((s) => [s.runId, s.attempt])).toEqual([["handed-back", 1]]));
  });
});
