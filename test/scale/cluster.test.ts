/**
 * The scale-out pieces on a real 3-master Redis Cluster (ports 30000-30002): the BullMQ run queue
 * (one hash-tagged slot), cross-process cancel, fenced thread leases with RedisSaver, and the
 * tool-call ledger.
 */
import { Annotation, StateGraph } from "@langchain/langgraph";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectRedis, type RedisConnection } from "../../lib/redis.js";
import { RedisSaver } from "../../memory/index.js";
import { BullMqRunQueue, queuePrefixFor } from "../../server/execution/queue/bullmq-run-queue.js";
import type { RunHandler, RunJobContext } from "../../lib/contracts/execution.js";
import { withThreadLease } from "../../server/execution/consumers/thread-lease.js";
import { createRedisCallLedger } from "../../tools/index.js";
import { startRedisCluster, uniquePrefix, type RedisClusterProcess } from "../support/redis.js";
import { eventually } from "../support/scale.js";

describe("scale-out on a Redis Cluster", () => {
  let cluster: RedisClusterProcess;
  let redis: RedisConnection;
  const queues: BullMqRunQueue[] = [];
  beforeAll(async () => {
    cluster = await startRedisCluster([30000, 30001, 30002]);
    redis = await connectRedis({ clusterNodes: cluster.nodes });
  }, 60_000);
  afterAll(async () => {
    await Promise.all(queues.map((queue) => queue.close()));
    await redis?.close();
    await cluster?.stop();
  });

  it("queues, leases, fences and cancels runs across queue instances; the queue's keys share one slot", async () => {
    const prefix = uniquePrefix("cluster");
    const open = () => {
      const queue = new BullMqRunQueue({ clusterNodes: cluster.nodes, keyPrefix: prefix, lockDurationMs: 2_000, cancelSweepMs: 200 });
      queues.push(queue);
      return queue;
    };
    const State = Annotation.Root({ steps: Annotation<string[]>({ reducer: (a, b) => a.concat(b), default: () => [] }) });
    const saver = new RedisSaver(redis, { keyPrefix: prefix });
    const builder = new StateGraph(State)
      .addNode("work", async (_state, config) => {
        // A run named "slow" waits for its cancel.
        if (String(config.configurable?.thread_id).endsWith("slow")) await new Promise((resolve) => config.signal?.addEventListener("abort", resolve));
        return { steps: ["work"] };
      })
      .addEdge("__start__", "work");
    const graph = builder.compile({ checkpointer: saver });
    const contexts = new Map<string, RunJobContext>();
    const handler: RunHandler = async (job, context) => {
      contexts.set(job.runId, context);
      try {
        const fenced = builder.compile({ checkpointer: context.checkpointer ?? saver });
        await fenced.invoke({}, { configurable: { thread_id: job.threadId!, ...context.configurable }, signal: context.signal });
        return "success";
      } catch {
        return "interrupted";
      }
    };
    const api = open();
    const worker = open();
    await worker.startWorker(withThreadLease(handler, { checkpointing: saver, workerId: worker.workerId, ttlMs: 2_000 }), { concurrency: 4 });
    const threads = ["a", "b{brace}", "c", "slow"].map((name) => `${prefix}${name}`);
    for (const [index, threadId] of threads.entries()) await api.enqueue({ runId: `run-${index}`, threadId, owner: "o" });
    await eventually(async () => {
      for (const threadId of threads.slice(0, 3)) expect((await graph.getState({ configurable: { thread_id: threadId } })).values.steps).toEqual(["work"]);
    });
    await eventually(() => expect(contexts.get("run-3")).toBeDefined());
    await api.cancel("run-3", "interrupt");
    await eventually(() => expect(contexts.get("run-3")!.abortReason()).toEqual({ kind: "cancel", action: "interrupt" }));
    expect(contexts.get("run-0")!.checkpointer).toBeInstanceOf(RedisSaver);
    expect(contexts.get("run-0")!.checkpointer).not.toBe(saver);
    expect(await api.depth()).toBe(0);

    // Every BullMQ key of the queue lives in the slot of its hash tag.
    const slots = new Set<number>();
    for (const master of redis.masters as { client?: unknown }[]) {
      const node = await (redis as never as { nodeClient(m: unknown): Promise<{ scanIterator(o: unknown): AsyncIterable<string[]>; clusterKeySlot(k: string): Promise<number> }> }).nodeClient(master);
      for await (const batch of node.scanIterator({ MATCH: `${queuePrefixFor(prefix)}*`, COUNT: 500 })) for (const key of batch) slots.add(await node.clusterKeySlot(key));
    }
    expect(slots.size).toBe(1);
  });

  it("records side effects in the ledger on the cluster, fenced by the lease in the thread's slot", async () => {
    const prefix = uniquePrefix("cluster-ledger");
    const ledger = createRedisCallLedger(redis, { keyPrefix: prefix });
    expect(await ledger.begin("sb-key", "thread-1")).toBeUndefined();
    expect(await ledger.begin("sb-key", "thread-1")).toEqual({ state: "started" });
    await ledger.complete("sb-key", "thread-1", { content: "ok", status: "success" });
    expect(await ledger.begin("sb-key", "thread-1")).toEqual({ state: "done", result: { content: "ok", status: "success" } });
    // The fence's lease key and the ledger's record share a slot (else: CROSSSLOT), braces in the id too.
    const saver = new RedisSaver(redis, { keyPrefix: prefix });
    const lease = (await saver.leases.acquire("thread-{2}", "run@w1", 10_000))!;
    const fenced = createRedisCallLedger(redis, { keyPrefix: prefix, fence: saver.fence(lease) });
    expect(await fenced.begin("sb-key", "thread-{2}")).toBeUndefined();
    await saver.leases.release(lease);
    await expect(fenced.begin("sb-other", "thread-{2}")).rejects.toThrow(/FENCED/);
  });
});
