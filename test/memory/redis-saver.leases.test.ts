/**
 * RedisSaver's fencing capability: thread leases with fencing tokens (one holder at a time,
 * growing tokens), a fenced view refusing writes from a holder that lost its lease, and the
 * fence other scripts check.
 */
import { Annotation, END, START, StateGraph } from "@langchain/langgraph";
import { emptyCheckpoint, MemorySaver } from "@langchain/langgraph-checkpoint";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LeaseLostError } from "../../lib/errors.js";
import { connectRedis, type RedisConnection } from "../../lib/redis.js";
import { hasFencing, type ThreadLeasing } from "../../lib/contracts/execution.js";
import { RedisSaver } from "../../memory/index.js";
import { deleteByPrefix, testRedisUrl, uniquePrefix } from "../support/redis.js";

const prefix = uniquePrefix("saver-leases");
let connection: RedisConnection;
let leases: ThreadLeasing;

beforeAll(async () => {
  connection = await connectRedis({ url: testRedisUrl() });
  leases = new RedisSaver(connection, { keyPrefix: prefix }).leases;
});
afterAll(async () => {
  await deleteByPrefix(connection, prefix);
  await connection.close();
});

describe("ThreadLeases", () => {
  it("grants one holder at a time, with a larger token each time", async () => {
    const a = await leases.acquire("lease-1", "worker-a", 10_000);
    expect(a?.token).toBe(1);
    expect(await leases.acquire("lease-1", "worker-b", 10_000)).toBeUndefined();
    expect((await leases.acquire("lease-1", "worker-a", 10_000))?.token).toBe(1);
    expect(await leases.holder("lease-1")).toEqual({ holder: "worker-a", token: 1 });
    await leases.release(a!);
    const b = await leases.acquire("lease-1", "worker-b", 10_000);
    expect(b?.token).toBe(2);
    expect(await leases.renew(a!, 10_000)).toBe(false);
    expect(await leases.renew(b!, 10_000)).toBe(true);
    await leases.release(a!); // a lost lease is not released by its old holder
    expect(await leases.holder("lease-1")).toEqual({ holder: "worker-b", token: 2 });
  });

  it("lets the lease expire so another holder can take over", async () => {
    await leases.acquire("lease-2", "worker-a", 50);
    await new Promise((resolve) => setTimeout(resolve, 120));
    expect((await leases.acquire("lease-2", "worker-b", 10_000))?.token).toBe(2);
  });
});

describe("fenced writes", () => {
  const Counter = Annotation.Root({ count: Annotation<number>({ reducer: (_, next) => next, default: () => 0 }) });

  it("refuses checkpoints and writes from a holder that lost the thread", async () => {
    const saver = new RedisSaver(connection, { keyPrefix: prefix });
    const a = (await leases.acquire("fenced", "worker-a", 10_000))!;
    let stolen = false;
    const graph = new StateGraph(Counter)
      .addNode("step", async (state) => {
        if (state.count === 2 && !stolen) {
          stolen = true;
          // Worker A stalls past its lease; worker B takes the thread over.
          await connection.del(`${prefix}cp:{fenced}:lease`);
          await leases.acquire("fenced", "worker-b", 10_000);
        }
        return { count: state.count + 1 };
      })
      .addEdge(START, "step")
      .addConditionalEdges("step", (state) => (state.count < 5 ? "step" : END))
      .compile({ checkpointer: saver.fenced(a) });
    const config = { configurable: { thread_id: "fenced" }, durability: "sync" as const };
    const error = await graph.invoke({ count: 0 }, config).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LeaseLostError);
    expect((error as Error).message).toMatch(/thread 'fenced'.*no longer holds the thread's lease/);
    const state = await graph.getState({ configurable: { thread_id: "fenced" } });
    expect(state.values.count).toBe(2);
  });

  it("accepts writes carrying the current token, and unfenced writes", async () => {
    const saver = new RedisSaver(connection, { keyPrefix: prefix });
    const lease = (await leases.acquire("fenced-ok", "worker-a", 10_000))!;
    const fenced = saver.fenced(lease);
    const stored = await fenced.put({ configurable: { thread_id: "fenced-ok" } }, emptyCheckpoint(), { source: "input", step: -1, parents: {} }, {});
    await fenced.putWrites(stored, [["a", 1]], "task");
    await saver.put({ configurable: { thread_id: "fenced-ok" } }, emptyCheckpoint(), { source: "input", step: -1, parents: {} }, {});
    const listed = [];
    for await (const tuple of saver.list({ configurable: { thread_id: "fenced-ok" } })) listed.push(tuple);
    expect(listed).toHaveLength(2);
  });

  it("is a capability the server can ask for; the view shares the saver's data, and the saver itself stays unfenced", async () => {
    const saver = new RedisSaver(connection, { keyPrefix: prefix });
    expect(hasFencing(saver)).toBe(true);
    expect(hasFencing(new MemorySaver())).toBe(false);
    const lease = (await leases.acquire("fenced-view", "worker-a", 10_000))!;
    const fenced = saver.fenced(lease);
    await fenced.put({ configurable: { thread_id: "fenced-view" } }, emptyCheckpoint(), { source: "input", step: -1, parents: {} }, {});
    expect(await saver.getTuple({ configurable: { thread_id: "fenced-view" } })).toBeDefined();
    // The view is bound to its lease's thread: its token does not hold another thread.
    await expect(fenced.put({ configurable: { thread_id: "fenced-other" } }, emptyCheckpoint(), { source: "input", step: -1, parents: {} }, {})).rejects.toBeInstanceOf(LeaseLostError);
    await leases.release(lease);
    await expect(fenced.put({ configurable: { thread_id: "fenced-view" } }, emptyCheckpoint(), { source: "input", step: -1, parents: {} }, {})).rejects.toBeInstanceOf(LeaseLostError);
    await saver.put({ configurable: { thread_id: "fenced-view" } }, emptyCheckpoint(), { source: "input", step: -1, parents: {} }, {});
  });

  it("gives other scripts the fence to check: its key holds the prefix while the lease does", async () => {
    const saver = new RedisSaver(connection, { keyPrefix: prefix });
    const lease = (await leases.acquire("fence-key", "worker-a", 10_000))!;
    const fence = saver.fence(lease);
    expect(String(await connection.get(fence.key)).startsWith(fence.holds)).toBe(true);
    await leases.release(lease);
    const next = (await leases.acquire("fence-key", "worker-b", 10_000))!;
    expect(String(await connection.get(fence.key)).startsWith(fence.holds)).toBe(false);
    expect(String(await connection.get(saver.fence(next).key)).startsWith(saver.fence(next).holds)).toBe(true);
  });
});
