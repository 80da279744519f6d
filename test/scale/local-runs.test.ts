/**
 * The local fast path of the BullMQ run queue: a process with a free slot runs what it enqueues
 * itself (no job in the queue), registered so that a process dying mid-run is noticed by another
 * worker's sweep and the run is taken over from its last checkpoint (attempt 1). A full process
 * queues instead (its queue worker may still take it: local runs are not counted by BullMQ, so a
 * process runs at most twice its concurrency); a run deferred locally goes to the queue for any worker.
 */
import { afterEach, describe, expect, it } from "vitest";
import { silentLogger } from "../../lib/logger.js";
import { BullMqRunQueue, queuePrefixFor } from "../../server/execution/queue/bullmq-run-queue.js";
import { openQueueConnection } from "../../server/execution/queue/connection.js";
import { RunDeferredError } from "../../server/execution/queue/deferral.js";
import { LocalRunRegistry } from "../../server/execution/queue/local-runs.js";
import type { RunJob } from "../../lib/contracts/execution.js";
import { testRedisUrl, uniquePrefix } from "../support/redis.js";
import { cleanQueuePrefix, controllableHandler, eventually } from "../support/scale.js";

describe("local fast path of the run queue", () => {
  const closers: (() => Promise<unknown>)[] = [];
  const prefixes: string[] = [];
  const freshPrefix = () => {
    const prefix = uniquePrefix("localruns");
    prefixes.push(prefix);
    return prefix;
  };
  const open = (prefix: string, hooks: { onLocalRun?: (job: RunJob) => void; onRequeued?: (job: RunJob) => Promise<void> } = {}) => {
    const queue = new BullMqRunQueue({ url: testRedisUrl(), keyPrefix: prefix, lockDurationMs: 1_500, cancelSweepMs: 200, ...hooks });
    closers.push(() => queue.close());
    return queue;
  };
  const registered = async (prefix: string) => {
    const redis = openQueueConnection({ url: testRedisUrl() }, "worker");
    try {
      return await redis.zrange(`${queuePrefixFor(prefix)}:local`, 0, -1);
    } finally {
      redis.disconnect();
    }
  };
  afterEach(async () => {
    for (const close of closers.splice(0)) await close().catch(() => {});
    for (const prefix of prefixes.splice(0)) await cleanQueuePrefix(prefix);
  });

  it("runs a job in the enqueuing process while it has a free slot, registered until it ends; a full process queues the next", async () => {
    const prefix = freshPrefix();
    const local: string[] = [];
    const api = open(prefix, { onLocalRun: (job) => void local.push(job.runId) });
    const { handler, seen, release } = controllableHandler();
    await api.startWorker(handler, { concurrency: 1 });

    await api.enqueue({ runId: "here", threadId: "t1", owner: "o" });
    // Started before enqueue resolved its caller's next step: no queue hop, no job waiting.
    expect(local).toEqual(["here"]);
    await eventually(() => expect(seen.map((s) => [s.runId, s.attempt])).toEqual([["here", 0]]));
    expect(await api.depth()).toBe(0);
    expect((await registered(prefix)).map((member) => JSON.parse(member).runId)).toEqual(["here"]);

    // The only local slot is busy: the next run goes through the shared queue (a queue worker,
    // here the same process's, takes it as a job).
    await api.enqueue({ runId: "queued", threadId: "t2", owner: "o" });
    expect(local).toEqual(["here"]);
    await eventually(() => expect(seen.map((s) => s.runId)).toEqual(["here", "queued"]));
    expect((await registered(prefix)).map((member) => JSON.parse(member).runId)).toEqual(["here"]);

    release("here");
    await eventually(async () => expect(await registered(prefix)).toEqual([]));
    release("queued");
    await eventually(() => expect(api.activeCount).toBe(0));
  });

  it("a run registered by a process that died is taken over by another worker as a resumed attempt", async () => {
    const prefix = freshPrefix();
    // A process registers a run and dies: nobody renews the entry.
    const deadConnection = openQueueConnection({ url: testRedisUrl() }, "worker");
    closers.push(async () => deadConnection.disconnect());
    const dead = new LocalRunRegistry(async () => deadConnection, queuePrefixFor(prefix), { leaseMs: 300, takeOver: async () => {}, logger: silentLogger() });
    await dead.register({ runId: "orphan", threadId: "t1", owner: "o" });

    const survivor = open(prefix);
    const { handler, seen, release } = controllableHandler();
    await survivor.startWorker(handler, { concurrency: 2 });
    await eventually(() => expect(seen.map((s) => [s.runId, s.attempt])).toEqual([["orphan", 1]]));
    expect(await registered(prefix)).toEqual([]);
    release("orphan");
  });

  it("a run deferred before it starts goes to the shared queue, and its local readers are told", async () => {
    const prefix = freshPrefix();
    const requeued: string[] = [];
    const api = open(prefix, { onRequeued: async (job) => void requeued.push(job.runId) });
    let calls = 0;
    const attempts: number[] = [];
    await api.startWorker(async (_job, context) => {
      attempts.push(context.attempt);
      calls += 1;
      if (calls === 1) throw new RunDeferredError("thread busy", 50);
      return "success";
    }, { concurrency: 1 });
    await api.enqueue({ runId: "deferred", threadId: "t1", owner: "o" });
    await eventually(() => expect(attempts).toEqual([0, 0]));
    expect(requeued).toEqual(["deferred"]);
    await eventually(async () => expect(await registered(prefix)).toEqual([]));
  });

  it("a run its own process could not settle stops being renewed and its own sweep hands it to the queue", async () => {
    const prefix = freshPrefix();
    const connection = openQueueConnection({ url: testRedisUrl() }, "worker");
    closers.push(async () => connection.disconnect());
    const takenOver: string[] = [];
    const registry = new LocalRunRegistry(async () => connection, queuePrefixFor(prefix), {
      leaseMs: 200,
      takeOver: async (job) => void takenOver.push(job.runId),
      logger: silentLogger(),
    });
    await registry.register({ runId: "unsettled", threadId: "t1", owner: "o" });
    await new Promise((resolve) => setTimeout(resolve, 250));
    // While the process still owns it, the entry is renewed, never swept.
    await registry.tick();
    expect(takenOver).toEqual([]);
    registry.abandon("unsettled");
    await new Promise((resolve) => setTimeout(resolve, 250));
    await registry.tick();
    expect(takenOver).toEqual(["unsettled"]);
    expect(await registered(prefix)).toEqual([]);
  });
});
