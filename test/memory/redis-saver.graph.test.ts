/**
 * RedisSaver under real LangGraph runs: the same scenarios on MemorySaver and RedisSaver
 * must give the same state and history, in every durability mode, with plain and delta
 * message channels, with interrupts, forks and message removal.
 */
import { AIMessage, HumanMessage, RemoveMessage, type BaseMessage } from "@langchain/core/messages";
import {
  Command,
  END,
  MemorySaver,
  MessagesAnnotation,
  START,
  StateGraph,
  interrupt,
  type BaseCheckpointSaver,
} from "@langchain/langgraph";
import { DeltaValue, MessagesDeltaValue, StateSchema, messagesDeltaReducer } from "@langchain/langgraph";
import { z } from "zod";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectRedis, type RedisConnection } from "../../lib/redis.js";
import { RedisSaver } from "../../memory/index.js";
import { deleteByPrefix, testRedisUrl, uniquePrefix } from "../support/redis.js";

const prefix = uniquePrefix("saver-graph");
let connection: RedisConnection;

beforeAll(async () => {
  connection = await connectRedis({ url: testRedisUrl() });
});
afterAll(async () => {
  await deleteByPrefix(connection, prefix);
  await connection.close();
});

function chatGraph(state = MessagesAnnotation) {
  let turn = 0;
  return new StateGraph(state)
    .addNode("bot", async (s: { messages: BaseMessage[] }) => {
      turn += 1;
      const last = s.messages.at(-1);
      return { messages: [new AIMessage({ content: `reply ${turn} to ${String(last?.content)}`, id: `ai-${turn}` })] };
    })
    .addEdge(START, "bot")
    .addEdge("bot", END);
}

function saverFor(kind: "memory" | "redis"): BaseCheckpointSaver {
  return kind === "memory" ? new MemorySaver() : new RedisSaver(connection, { keyPrefix: prefix });
}

async function conversation(saver: BaseCheckpointSaver, durability: "sync" | "async" | "exit", threadId: string) {
  const graph = chatGraph().compile({ checkpointer: saver });
  const config = { configurable: { thread_id: threadId }, durability };
  for (let i = 0; i < 5; i += 1) await graph.invoke({ messages: [new HumanMessage({ content: `hello ${i}`, id: `h-${i}` })] }, config);
  const state = await graph.getState(config);
  const history = [];
  for await (const snapshot of graph.getStateHistory(config)) history.push(snapshot);
  return { state, history };
}

describe.each(["sync", "async", "exit"] as const)("durability %s", (durability) => {
  it("matches MemorySaver's state and history", async () => {
    const mem = await conversation(saverFor("memory"), durability, "t");
    const redis = await conversation(saverFor("redis"), durability, `t-${durability}`);
    expect(redis.state.values).toEqual(mem.state.values);
    expect(redis.history.length).toBe(mem.history.length);
    expect(redis.history.map((h) => h.values)).toEqual(mem.history.map((h) => h.values));
    expect(redis.history.map((h) => h.metadata?.step)).toEqual(mem.history.map((h) => h.metadata?.step));
  });
});

it("forks from an old checkpoint without disturbing the original branch", async () => {
  for (const kind of ["memory", "redis"] as const) {
    const saver = saverFor(kind);
    const graph = chatGraph().compile({ checkpointer: saver });
    const config = { configurable: { thread_id: `fork-${kind}` } };
    for (let i = 0; i < 3; i += 1) await graph.invoke({ messages: [new HumanMessage({ content: `m${i}`, id: `h${i}` })] }, config);
    const history = [];
    for await (const snapshot of graph.getStateHistory(config)) history.push(snapshot);
    const old = history.find((h) => (h.values.messages as BaseMessage[]).length === 2)!;
    await graph.invoke({ messages: [new HumanMessage({ content: "fork", id: "hf" })] }, old.config);
    const forked = await graph.getState({ configurable: { thread_id: `fork-${kind}` } });
    expect((forked.values.messages as BaseMessage[]).map((m) => m.content)).toEqual(["m0", "reply 1 to m0", "fork", "reply 4 to fork"]);
    const original = await graph.getState(history[0]!.config);
    expect((original.values.messages as BaseMessage[]).map((m) => m.content)).toHaveLength(6);
    expect((original.values.messages as BaseMessage[]).at(-1)!.content).toBe("reply 3 to m2");
  }
});

it("removes messages (history rewrite) and keeps the rest", async () => {
  const saver = saverFor("redis");
  const graph = chatGraph().compile({ checkpointer: saver });
  const config = { configurable: { thread_id: "remove" } };
  for (let i = 0; i < 3; i += 1) await graph.invoke({ messages: [new HumanMessage({ content: `m${i}`, id: `h${i}` })] }, config);
  await graph.updateState(config, { messages: [new RemoveMessage({ id: "h0" }), new RemoveMessage({ id: "ai-1" })] });
  const state = await graph.getState(config);
  expect((state.values.messages as BaseMessage[]).map((m) => m.id)).toEqual(["h1", "ai-2", "h2", "ai-3"]);
  // A fresh saver (another process) reads the same thing.
  const other = new RedisSaver(connection, { keyPrefix: prefix });
  const again = await chatGraph().compile({ checkpointer: other }).getState(config);
  expect((again.values.messages as BaseMessage[]).map((m) => m.id)).toEqual(["h1", "ai-2", "h2", "ai-3"]);
});

it("pauses on interrupt() and resumes with a Command from another saver instance", async () => {
  const build = (saver: BaseCheckpointSaver) =>
    new StateGraph(MessagesAnnotation)
      .addNode("ask", async () => {
        const answer = interrupt({ question: "approve?" }) as string;
        return { messages: [new AIMessage({ content: `answer: ${answer}`, id: "a1" })] };
      })
      .addEdge(START, "ask")
      .addEdge("ask", END)
      .compile({ checkpointer: saver });
  const config = { configurable: { thread_id: "hitl" } };
  const first = await build(saverFor("redis")).invoke({ messages: [new HumanMessage({ content: "go", id: "g" })] }, config);
  expect((first as { __interrupt__?: { value: unknown }[] }).__interrupt__?.[0]?.value).toEqual({ question: "approve?" });
  const resumed = await build(saverFor("redis")).invoke(new Command({ resume: "yes" }), config);
  expect(resumed.messages.map((m: BaseMessage) => m.content)).toEqual(["go", "answer: yes"]);
});

describe.each([
  ["MessagesDeltaValue", MessagesDeltaValue],
  ["a delta channel snapshotting every 3 updates", new DeltaValue(z.custom<BaseMessage[]>().default(() => []), {
    inputSchema: z.custom<BaseMessage[]>(),
    reducer: messagesDeltaReducer,
    snapshotFrequency: 3,
  })],
] as const)("%s", (_name, messages) => {
  it.each(["sync", "async", "exit"] as const)("rebuilds the same history as MemorySaver (durability %s)", async (durability) => {
    const State = new StateSchema({ messages });
    const build = (saver: BaseCheckpointSaver) =>
      new StateGraph(State)
        .addNode("bot", async (state) => ({
          messages: [new AIMessage({ content: `r${state.messages.length}`, id: `r${state.messages.length}` })],
        }))
        .addEdge(START, "bot")
        .addEdge("bot", END)
        .compile({ checkpointer: saver });
    const results: string[][] = [];
    for (const kind of ["memory", "redis"] as const) {
      const saver = saverFor(kind);
      const config = { configurable: { thread_id: `delta-${kind}-${durability}-${_name}` }, durability };
      for (let i = 0; i < 7; i += 1) await build(saver).invoke({ messages: [new HumanMessage({ content: `q${i}`, id: `q${i}` })] }, config);
      const state = await build(saver).getState(config);
      results.push((state.values.messages as BaseMessage[]).map((m) => String(m.content)));
    }
    expect(results[0]).toHaveLength(14);
    expect(results[1]).toEqual(results[0]);
  });
});
