/**
 * Crash recovery at the graph level, deterministic: two nodes run in one superstep; one finishes,
 * the other sends a webhook-like side effect and then "crashes" (the process dies before the step's
 * checkpoint). Resuming from the checkpoint (as a worker taking the run over does) does not run the
 * finished node again (pending writes) and, with the tool-call ledger, does not repeat the side
 * effect. Without the ledger the same resume repeats it (so the ledger is what prevents it).
 */
import { AIMessage } from "@langchain/core/messages";
import { Annotation, StateGraph, type LangGraphRunnableConfig } from "@langchain/langgraph";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { connectRedis, type RedisConnection } from "../../lib/redis.js";
import { RedisSaver } from "../../memory/index.js";
import { createRedisCallLedger, defineTool, executeToolCalls, TOOL_LEDGER_CONFIG_KEY } from "../../tools/index.js";
import { deleteByPrefix, testRedisUrl, uniquePrefix } from "../support/redis.js";

describe("resuming a crashed run from its checkpoint", () => {
  let redis: RedisConnection;
  const prefix = uniquePrefix("recovery");
  beforeAll(async () => {
    redis = await connectRedis({ url: testRedisUrl() });
  });
  afterAll(async () => {
    await deleteByPrefix(redis, prefix);
    await redis.close();
  });

  const scenario = async (withLedger: boolean) => {
    const counts = { finishedNode: 0, deliveries: 0 };
    let crash = true;
    const notify = defineTool({
      name: "notify",
      description: "Sends a notification to the outside world (external side effect).",
      schema: z.object({ text: z.string() }),
      timeoutMs: 1_000,
      sideEffect: "external_side_effect",
      run: async () => `delivered #${++counts.deliveries}`,
    });
    const State = Annotation.Root({ log: Annotation<string[]>({ reducer: (a, b) => a.concat(b), default: () => [] }) });
    const graph = new StateGraph(State)
      .addNode("quick", async () => {
        counts.finishedNode += 1;
        return { log: ["quick"] };
      })
      .addNode("act", async (_state, config: LangGraphRunnableConfig) => {
        const call = new AIMessage({ content: "", tool_calls: [{ name: "notify", args: { text: "deployed" }, id: "call_1", type: "tool_call" }] });
        const { messages } = await executeToolCalls(call, [notify], { threadId: String(config.configurable?.thread_id), runId: "r", graphId: "g", agent: "a", toolCallsUsed: 0, toolCallBudget: 5, config }, { policies: { notify: "allow" } });
        if (crash) {
          crash = false;
          throw new Error("simulated crash after the side effect, before the checkpoint");
        }
        return { log: [String(messages[0]!.content)] };
      })
      .addEdge("__start__", "quick")
      .addEdge("__start__", "act")
      .compile({ checkpointer: new RedisSaver(redis, { keyPrefix: prefix }) });
    const thread = `${prefix}${withLedger ? "ledger" : "plain"}`;
    const config = { configurable: { thread_id: thread, ...(withLedger ? { [TOOL_LEDGER_CONFIG_KEY]: createRedisCallLedger(redis, { keyPrefix: prefix }) } : {}) } };
    await expect(graph.invoke({}, config)).rejects.toThrow(/simulated crash/);
    const resumed = await graph.invoke(null, config);
    return { counts, log: resumed.log };
  };

  it("does not rerun the finished node nor repeat the recorded side effect", async () => {
    const { counts, log } = await scenario(true);
    expect(counts).toEqual({ finishedNode: 1, deliveries: 1 });
    expect(log.sort()).toEqual(["delivered #1", "quick"]);
  });

  it("without the ledger the resumed step repeats the side effect", async () => {
    const { counts } = await scenario(false);
    expect(counts).toEqual({ finishedNode: 1, deliveries: 2 });
  });
});
