/**
 * RedisSaver's round trips, counted by a private redis-server (port 31140): a sync super-step
 * costs one script (its pending writes ride in the checkpoint's), so does an async one, and writes of a task whose
 * sibling is still running are stored at once, not held until the step's checkpoint.
 */
import { Annotation, END, START, StateGraph } from "@langchain/langgraph";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectRedis, type RedisConnection } from "../../lib/redis.js";
import { RedisSaver } from "../../memory/index.js";
import { startRedisServer, type RedisProcess } from "../support/redis.js";

const PORT = 31140;
let redis: RedisProcess;
let connection: RedisConnection;
let saver: RedisSaver;

beforeAll(async () => {
  redis = await startRedisServer(PORT);
  connection = await connectRedis({ url: redis.url });
  saver = new RedisSaver(connection, { keyPrefix: "rt:" });
});
afterAll(async () => {
  await connection?.close();
  await redis?.stop();
});

/** Scripts Redis ran so far (EVALSHA and EVAL calls). */
async function scriptCalls(): Promise<number> {
  const stats = String(await connection.info("commandstats"));
  let calls = 0;
  for (const match of stats.matchAll(/cmdstat_(?:evalsha|eval):calls=(\d+)/g)) calls += Number(match[1]);
  return calls;
}

const Counter = Annotation.Root({ count: Annotation<number>({ reducer: (_, next) => next, default: () => 0 }) });

/** A graph that counts to `steps`, one super-step per count, checkpointed by the saver under test. */
function counterGraph(steps: number) {
  return new StateGraph(Counter)
    .addNode("step", (state) => ({ count: state.count + 1 }))
    .addEdge(START, "step")
    .addConditionalEdges("step", (state) => (state.count < steps ? "step" : END))
    .compile({ checkpointer: saver });
}

describe("RedisSaver round trips", () => {
  it("runs one script per sync super-step: the step's pending writes ride in the checkpoint's script", async () => {
    const steps = 30;
    const graph = counterGraph(steps);
    const config = { configurable: { thread_id: "counter" }, recursionLimit: steps + 10, durability: "sync" as const };
    await graph.invoke({ count: 0 }, config); // loads the scripts
    const before = await scriptCalls();
    await graph.invoke({ count: 0 }, config);
    const scripts = (await scriptCalls()) - before;
    // A checkpoint per step, the input's two, the read of the latest and the input's writes: 34 here, 64 when writes went alone.
    expect(scripts).toBeLessThanOrEqual(steps + 5);
    expect((await graph.getState(config)).values.count).toBe(steps);
    const history = [];
    for await (const snapshot of graph.getStateHistory(config)) history.push(snapshot);
    expect(history.length).toBeGreaterThan(2 * steps);
  });

  it("runs one script per async super-step too: the writes ride in the put LangGraph chains after them", async () => {
    const steps = 30;
    const graph = counterGraph(steps);
    const config = { configurable: { thread_id: "counter-async" }, recursionLimit: steps + 10, durability: "async" as const };
    await graph.invoke({ count: 0 }, config);
    const before = await scriptCalls();
    await graph.invoke({ count: 0 }, config);
    const scripts = (await scriptCalls()) - before;
    // LangGraph does not await async puts; the step's writes must still reach the put that follows them, not go alone (64).
    expect(scripts).toBeLessThanOrEqual(steps + 5);
    expect((await graph.getState(config)).values.count).toBe(steps);
  });

  it("stores a finished task's writes while its sibling still runs", async () => {
    let release!: () => void;
    let started!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const slowStarted = new Promise<void>((resolve) => (started = resolve));
    const State = Annotation.Root({ done: Annotation<string[]>({ reducer: (a, b) => [...a, ...b], default: () => [] }) });
    const graph = new StateGraph(State)
      .addNode("fast", () => ({ done: ["fast"] }))
      .addNode("slow", async () => {
        started();
        await gate;
        return { done: ["slow"] };
      })
      .addEdge(START, "fast")
      .addEdge(START, "slow")
      .addEdge("fast", END)
      .addEdge("slow", END)
      .compile({ checkpointer: saver });
    const config = { configurable: { thread_id: "siblings" }, durability: "sync" as const };
    const running = graph.invoke({ done: [] }, config);
    await slowStarted;
    let stored: [string, string, unknown][] = [];
    for (let attempt = 0; attempt < 100 && stored.length === 0; attempt += 1) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      const tuple = await saver.getTuple({ configurable: { thread_id: "siblings" } });
      stored = (tuple?.pendingWrites ?? []).filter(([, channel]) => channel === "done");
    }
    release();
    expect(stored.map(([, , value]) => value)).toEqual([["fast"]]);
    expect((await running).done.sort()).toEqual(["fast", "slow"]);
  });
});
