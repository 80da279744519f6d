/**
 * RedisSaver on a real 3-master Redis Cluster started on ports 31001-31003: the LangGraph
 * conformance suite (with the delta-channel suite), a graph run, and the hash-slot property.
 */
import { AIMessage, HumanMessage } from "@langchain/core/messages";
import { END, MessagesAnnotation, START, StateGraph } from "@langchain/langgraph";
import { deltaChannelHistoryTests, validate, type CheckpointSaverTestInitializer } from "@langchain/langgraph-checkpoint-validation";
import { createClient } from "redis";
import { describe, expect, it } from "vitest";
import { RedisSaver } from "../../memory/index.js";
import { SaverKeys } from "../../memory/redis-saver/keys.js";
import { startRedisCluster, uniquePrefix, type RedisClusterProcess } from "../support/redis.js";

let cluster: RedisClusterProcess | undefined;

const initializer: CheckpointSaverTestInitializer<RedisSaver> = {
  checkpointerName: "switchboard-redis-saver-cluster",
  beforeAllTimeout: 60_000,
  async beforeAll() {
    cluster = await startRedisCluster([31001, 31002, 31003]);
  },
  async afterAll() {
    await cluster?.stop();
  },
  // A fresh prefix per checkpointer isolates suites; the cluster is thrown away afterwards.
  createCheckpointer: () => RedisSaver.fromCluster(cluster!.rootNodes, { keyPrefix: uniquePrefix("saver-cluster") }),
  destroyCheckpointer: (saver) => saver.end(),
};

validate(initializer);
deltaChannelHistoryTests(initializer);

describe("RedisSaver on a cluster", () => {
  it("runs a graph, keeping every key of a thread in one slot", async () => {
    const prefix = uniquePrefix("saver-cluster-slots");
    const saver = await RedisSaver.fromCluster(cluster!.rootNodes, { keyPrefix: prefix });
    const graph = new StateGraph(MessagesAnnotation)
      .addNode("bot", (state) => ({ messages: [new AIMessage(`echo ${String(state.messages.at(-1)?.content)}`)] }))
      .addEdge(START, "bot")
      .addEdge("bot", END)
      .compile({ checkpointer: saver });
    const threads = ["plain", "with{brace}", "~tilde", "ünïcødé"];
    for (const thread of threads) {
      for (let turn = 0; turn < 2; turn += 1) await graph.invoke({ messages: [new HumanMessage(`t${turn}`)] }, { configurable: { thread_id: thread } });
      const state = await graph.getState({ configurable: { thread_id: thread } });
      expect(state.values.messages.map((m: { content: unknown }) => m.content)).toEqual(["t0", "echo t0", "t1", "echo t1"]);
    }
    const node = createClient({ url: cluster!.rootNodes[0]!.url });
    await node.connect();
    try {
      for (const thread of threads) {
        const slots = new Set<number>();
        for (const key of new SaverKeys(prefix).thread(thread)) slots.add(await node.clusterKeySlot(key));
        expect(slots.size).toBe(1);
      }
    } finally {
      await node.close();
      await saver.end();
    }
  });
});
