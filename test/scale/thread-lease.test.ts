/**
 * Thread leases around the run handler, across queue instances standing for processes: one active
 * run per thread, and a worker that lost its lease cannot write a checkpoint (fencing).
 */
import { Annotation, StateGraph } from "@langchain/langgraph";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { LeaseLostError } from "../../lib/errors.js";
import { connectRedis, type RedisConnection } from "../../lib/redis.js";
import { RedisSaver } from "../../memory/index.js";
import { SaverKeys } from "../../memory/redis-saver/keys.js";
import { BullMqRunQueue } from "../../server/execution/queue/bullmq-run-queue.js";
import type { RunHandler, RunStatus } from "../../lib/contracts/execution.js";
import { withThreadLease } from "../../server/execution/consumers/thread-lease.js";
import { testRedisUrl, uniquePrefix } from "../support/redis.js";
import { cleanQueuePrefix, eventually } from "../support/scale.js";

describe("thread leases around runs", () => {
  let redis: RedisConnection;
  // A prefix (so a queue) per test: a job one test leaves behind (a run taken over while its
  // starved process still ran it) must not reach the next test's handler.
  let prefix = uniquePrefix("lease");
  const prefixes: string[] = [];
  const queues: BullMqRunQueue[] = [];
  beforeAll(async () => {
    redis = await connectRedis({ url: testRedisUrl() });
  });
  beforeEach(() => {
    prefix = uniquePrefix("lease");
    prefixes.push(prefix);
  });
  afterEach(async () => {
    await Promise.all(queues.splice(0).map((queue) => queue.close()));
  });
  afterAll(async () => {
    for (const used of prefixes) await cleanQueuePrefix(used);
    await redis.close();
  });

  const worker = async (handler: RunHandler, ttlMs = 1_500) => {
    const queue = new BullMqRunQueue({ url: testRedisUrl(), keyPrefix: prefix, lockDurationMs: 2_000 });
    queues.push(queue);
    await queue.startWorker(withThreadLease(handler, { checkpointing: new RedisSaver(redis, { keyPrefix: prefix }), workerId: queue.workerId, ttlMs, busyRetryMs: 50 }), { concurrency: 4 });
    return queue;
  };

  it("never runs two runs of one thread at once, whichever workers take them", async () => {
    let active = 0;
    let maxActive = 0;
    const finished: string[] = [];
    const attempts: number[] = [];
    const handler: RunHandler = async (job, context) => {
      active += 1;
      maxActive = Math.max(maxActive, active);
      attempts.push(context.attempt);
      expect(context.checkpointer).toBeInstanceOf(RedisSaver);
      await new Promise((resolve) => setTimeout(resolve, 150));
      active -= 1;
      finished.push(job.runId);
      return "success";
    };
    const api = await worker(handler);
    await worker(handler);
    for (let index = 0; index < 6; index += 1) await api.enqueue({ runId: `serial-${index}`, threadId: `${prefix}shared`, owner: "o" });
    await eventually(() => expect(finished).toHaveLength(6), 20_000);
    expect(maxActive).toBe(1);
    // Waiting for the thread is not an attempt: every run started fresh.
    expect(attempts).toEqual([0, 0, 0, 0, 0, 0]);
  });

  it("a worker that lost its lease cannot write a checkpoint, and its run is handed back and resumed", async () => {
    const State = Annotation.Root({ steps: Annotation<string[]>({ reducer: (a, b) => a.concat(b), default: () => [] }) });
    const saver = new RedisSaver(redis, { keyPrefix: prefix });
    const threadId = `${prefix}fenced`;
    let stolen = false;
    const builder = new StateGraph(State)
      .addNode("one", async () => {
        if (!stolen) {
          // Another worker takes the thread while this one is paused (its lease expired).
          stolen = true;
          await redis.del(`${prefix}cp:{${threadId}}:lease`);
          await saver.leases.acquire(threadId, "thief@elsewhere", 300);
        }
        return { steps: ["one"] };
      })
      .addNode("two", async () => ({ steps: ["two"] }))
      .addEdge("__start__", "one")
      .addEdge("one", "two");
    const graph = builder.compile({ checkpointer: saver });
    const errors: unknown[] = [];
    const statuses: { attempt: number; status: RunStatus }[] = [];
    const handler: RunHandler = async (_job, context) => {
      const config = { configurable: { thread_id: threadId, ...context.configurable }, signal: context.signal };
      try {
        const input = context.attempt === 0 ? {} : null;
        await builder.compile({ checkpointer: context.checkpointer! }).invoke(input, config);
        statuses.push({ attempt: context.attempt, status: "success" });
        return "success";
      } catch (error) {
        errors.push(error);
        throw error;
      }
    };
    // A lease of 2 s (renewed every 667 ms): under a loaded CI machine a shorter one expired between
    // renewals, and the run was (correctly, but not what this test counts) handed back once more.
    const api = await worker(handler, 2_000);
    await api.enqueue({ runId: "fenced-run", threadId, owner: "o" });
    await eventually(() => expect(statuses).toEqual([{ attempt: 1, status: "success" }]), 20_000);
    expect(errors[0]).toBeInstanceOf(LeaseLostError);
    const state = await graph.getState({ configurable: { thread_id: threadId } });
    // The stale write of node "one" was refused; the resumed attempt ran it once and went on.
    expect(state.values.steps).toEqual(["one", "two"]);
  });

  it("lets a run free its thread before announcing its end, and reports a lease lost meanwhile", async () => {
    const saver = new RedisSaver(redis, { keyPrefix: prefix });
    const { leases } = saver;
    const context = { signal: new AbortController().signal, abortReason: () => undefined, attempt: 0 };
    const early = `${prefix}early`;
    const seen: { kept: boolean; holder: string | undefined }[] = [];
    const freeing = withThreadLease(
      async (_job, runContext) => {
        const kept = await runContext.releaseThread!();
        seen.push({ kept, holder: (await leases.holder(early))?.holder });
        return "success";
      },
      { checkpointing: saver, workerId: "w1", ttlMs: 1_500 },
    );
    expect(await freeing({ runId: "r1", threadId: early, owner: "o" }, context)).toBe("success");
    // Free while the run still finishes up: the thread's next run would not wait for it.
    expect(seen).toEqual([{ kept: true, holder: undefined }]);

    const stolen = `${prefix}stolen`;
    const losing = withThreadLease(
      async (_job, runContext) => {
        // The lease expired and another worker took the thread before this run let go.
        await redis.del(new SaverKeys(prefix).lease(stolen).lease);
        expect(await leases.acquire(stolen, "other@w2", 1_500)).toBeDefined();
        seen.push({ kept: await runContext.releaseThread!(), holder: (await leases.holder(stolen))?.holder });
        return "success";
      },
      { checkpointing: saver, workerId: "w1", ttlMs: 1_500 },
    );
    await expect(losing({ runId: "r2", threadId: stolen, owner: "o" }, context)).rejects.toThrow(/lost its thread lease/);
    expect(seen[1]).toEqual({ kept: false, holder: "other@w2" });
  });
});
