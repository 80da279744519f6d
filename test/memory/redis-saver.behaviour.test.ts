/**
 * RedisSaver's own guarantees beyond the LangGraph conformance suite: TTL per thread,
 * atomic writes, clear errors for corrupt data, structural sharing of message lists.
 */
import { AIMessage, HumanMessage, type BaseMessage } from "@langchain/core/messages";
import { END, MessagesAnnotation, START, StateGraph } from "@langchain/langgraph";
import { JsonPlusSerializer, emptyCheckpoint, uuid6 } from "@langchain/langgraph-checkpoint";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DataCorruptionError, UpstreamUnavailableError } from "../../lib/errors.js";
import { connectRedis, type RedisConnection } from "../../lib/redis.js";
import { RedisSaver } from "../../memory/index.js";
import { SaverKeys } from "../../memory/redis-saver/keys.js";
import { deleteByPrefix, testRedisUrl, uniquePrefix } from "../support/redis.js";

const prefix = uniquePrefix("saver-behaviour");
const keys = new SaverKeys(prefix);
let connection: RedisConnection;

beforeAll(async () => {
  connection = await connectRedis({ url: testRedisUrl() });
});
afterAll(async () => {
  await deleteByPrefix(connection, prefix);
  await connection.close();
});

const meta = { source: "input" as const, step: -1, parents: {} };

function chat(saver: RedisSaver) {
  return new StateGraph(MessagesAnnotation)
    .addNode("bot", (state) => ({ messages: [new AIMessage({ content: `reply to ${String(state.messages.at(-1)?.content)}` })] }))
    .addEdge(START, "bot")
    .addEdge("bot", END)
    .compile({ checkpointer: saver });
}

async function storedKeys(threadId: string): Promise<string[]> {
  const present: string[] = [];
  for (const key of keys.thread(threadId)) if (await connection.exists(key)) present.push(key);
  return present;
}

describe("TTL", () => {
  it("sets the TTL on every key of the thread and refreshes it on each write", async () => {
    const saver = new RedisSaver(connection, { keyPrefix: prefix, defaultTTL: 10 });
    const config = await saver.put({ configurable: { thread_id: "ttl" } }, { ...emptyCheckpoint(), channel_values: { messages: ["a", "b"] }, channel_versions: { messages: 1 } }, meta, { messages: 1 });
    await saver.putWrites(config, [["messages", ["c"]]], "task");
    const present = await storedKeys("ttl");
    expect(present.length).toBeGreaterThanOrEqual(7);
    for (const key of present) {
      const ttl = await connection.pTTL(key);
      expect(ttl).toBeGreaterThan(9 * 60_000);
      expect(ttl).toBeLessThanOrEqual(10 * 60_000);
      await connection.pExpire(key, 5_000);
    }
    await saver.putWrites(config, [["messages", ["d"]]], "task-2");
    for (const key of present) expect(await connection.pTTL(key)).toBeGreaterThan(9 * 60_000);
  });

  it("expires the whole thread together", async () => {
    const saver = new RedisSaver(connection, { keyPrefix: prefix, defaultTTL: 0.002 }); // 120 ms
    await chat(saver).invoke({ messages: [new HumanMessage("hi")] }, { configurable: { thread_id: "ttl-expire" } });
    expect(await saver.getTuple({ configurable: { thread_id: "ttl-expire" } })).toBeDefined();
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(await storedKeys("ttl-expire")).toEqual([]);
    expect(await saver.getTuple({ configurable: { thread_id: "ttl-expire" } })).toBeUndefined();
  });

  it("keeps keys forever without a TTL", async () => {
    const saver = new RedisSaver(connection, { keyPrefix: prefix });
    await chat(saver).invoke({ messages: [new HumanMessage("hi")] }, { configurable: { thread_id: "no-ttl" } });
    for (const key of await storedKeys("no-ttl")) expect(await connection.pTTL(key)).toBe(-1);
  });
});

describe("atomic writes", () => {
  it("writes nothing when serialization fails half-way through a checkpoint", async () => {
    class FailingSerde extends JsonPlusSerializer {
      override async dumpsTyped(value: unknown): Promise<[string, Uint8Array]> {
        if (value === "boom") throw new Error("cannot serialize");
        return super.dumpsTyped(value);
      }
    }
    const saver = new RedisSaver(connection, { keyPrefix: prefix, serde: new FailingSerde() });
    const checkpoint = { ...emptyCheckpoint(), channel_values: { ok: "fine", messages: ["a"], bad: "boom" }, channel_versions: { ok: 1, messages: 1, bad: 1 } };
    await expect(saver.put({ configurable: { thread_id: "atomic-serde" } }, checkpoint, meta, { ok: 1, messages: 1, bad: 1 })).rejects.toThrow(/cannot serialize/);
    expect(await storedKeys("atomic-serde")).toEqual([]);
  });

  it("refuses to write into keys of the wrong type and leaves everything else untouched", async () => {
    const saver = new RedisSaver(connection, { keyPrefix: prefix });
    const first = await saver.put({ configurable: { thread_id: "atomic-type" } }, { ...emptyCheckpoint(), channel_values: { a: 1 }, channel_versions: { a: 1 } }, meta, { a: 1 });
    const blobKey = keys.thread("atomic-type")[3]!;
    const before = await connection.hGetAll(keys.thread("atomic-type")[0]!);
    await connection.del(blobKey);
    await connection.set(blobKey, "not a hash");
    const second = { ...emptyCheckpoint(), id: uuid6(-1), channel_values: { a: 2, messages: ["x", "y"] }, channel_versions: { a: 2, messages: 1 } };
    const error = await saver.put(first, second, meta, { a: 2, messages: 1 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UpstreamUnavailableError);
    expect(String((error as Error).message)).toMatch(/RedisSaver\.put.*atomic-type.*WRONGTYPE.*blob/s);
    expect(await connection.hGetAll(keys.thread("atomic-type")[0]!)).toEqual(before);
    expect(await connection.exists(keys.thread("atomic-type")[7]!)).toBe(0);
    expect(await connection.get(blobKey)).toBe("not a hash");
    await saver.deleteThread("atomic-type");
  });
});

describe("corrupt data", () => {
  it("names the key and field of a blob that cannot be decoded", async () => {
    const saver = new RedisSaver(connection, { keyPrefix: prefix });
    const config = await saver.put({ configurable: { thread_id: "corrupt" } }, { ...emptyCheckpoint(), channel_values: { a: { x: 1 } }, channel_versions: { a: 1 } }, meta, { a: 1 });
    const blobKey = keys.thread("corrupt")[3]!;
    await connection.hSet(blobKey, "\u0000a\u00001", "vjson\u0000{not json");
    const error = await saver.getTuple(config).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DataCorruptionError);
    expect((error as DataCorruptionError).key).toContain(blobKey);
    expect((error as Error).message).toContain(blobKey);
  });

  it("names the element of a message list that is missing", async () => {
    const saver = new RedisSaver(connection, { keyPrefix: prefix });
    await chat(saver).invoke({ messages: [new HumanMessage("one")] }, { configurable: { thread_id: "corrupt-list" } });
    const elKey = keys.thread("corrupt-list")[7]!;
    const fields = await connection.hKeys(elKey);
    await connection.hDel(elKey, fields[0]!);
    await expect(new RedisSaver(connection, { keyPrefix: prefix }).getTuple({ configurable: { thread_id: "corrupt-list" } })).rejects.toThrow(
      new RegExp(`${elKey.replace(/[{}]/g, "\\$&")}.*missing list element`),
    );
  });
});

describe("structural sharing of message lists", () => {
  it("stores each message once however long the conversation", async () => {
    const saver = new RedisSaver(connection, { keyPrefix: prefix });
    const graph = chat(saver);
    const config = { configurable: { thread_id: "sharing" } };
    for (let turn = 0; turn < 10; turn += 1) await graph.invoke({ messages: [new HumanMessage(`turn ${turn}`)] }, config);
    const state = await graph.getState(config);
    expect((state.values.messages as BaseMessage[]).length).toBe(20);
    expect(await connection.hLen(keys.thread("sharing")[7]!)).toBe(20);
  });

  it("shares a prefix with a process that only read the thread, and with a fork", async () => {
    const writer = new RedisSaver(connection, { keyPrefix: prefix });
    const config = { configurable: { thread_id: "sharing-2" } };
    for (let turn = 0; turn < 3; turn += 1) await chat(writer).invoke({ messages: [new HumanMessage(`turn ${turn}`)] }, config);
    // A second process continues the thread: it loads the latest checkpoint, then appends.
    const other = new RedisSaver(connection, { keyPrefix: prefix });
    await chat(other).invoke({ messages: [new HumanMessage("turn 3")] }, config);
    expect(await connection.hLen(keys.thread("sharing-2")[7]!)).toBe(8);
    // The first process appends again although its view is stale: still correct, still shared.
    await chat(writer).invoke({ messages: [new HumanMessage("turn 4")] }, config);
    const state = await chat(other).getState(config);
    expect((state.values.messages as BaseMessage[]).map((m) => m.content)).toEqual([
      "turn 0", "reply to turn 0", "turn 1", "reply to turn 1", "turn 2", "reply to turn 2", "turn 3", "reply to turn 3", "turn 4", "reply to turn 4",
    ]);
    // Forking from an older checkpoint stores only the new messages.
    const history = [];
    for await (const snapshot of chat(other).getStateHistory(config)) history.push(snapshot);
    const old = history.find((h) => (h.values.messages as BaseMessage[]).length === 4)!;
    const before = await connection.hLen(keys.thread("sharing-2")[7]!);
    await chat(other).invoke({ messages: [new HumanMessage("fork")] }, old.config);
    expect(await connection.hLen(keys.thread("sharing-2")[7]!)).toBe(Number(before) + 2);
    const forked = await chat(other).getState(config);
    expect((forked.values.messages as BaseMessage[]).map((m) => m.content)).toEqual(["turn 0", "reply to turn 0", "turn 1", "reply to turn 1", "fork", "reply to fork"]);
  });
});

describe("structural sharing after the saver forgot a thread", () => {
  it("recalls the parent's list from Redis and still stores each message once", async () => {
    // A cache of one list: two threads running side by side evict each other every step.
    const saver = new RedisSaver(connection, { keyPrefix: prefix, listCacheSize: 1 });
    const looping = new StateGraph(MessagesAnnotation)
      .addNode("bot", (state) => ({ messages: [new AIMessage(`step ${state.messages.length}`)] }))
      .addEdge(START, "bot")
      .addConditionalEdges("bot", (state) => (state.messages.length < 8 ? "bot" : END))
      .compile({ checkpointer: saver });
    await Promise.all(
      ["forget-a", "forget-b"].map((thread) => looping.invoke({ messages: [new HumanMessage("go")] }, { configurable: { thread_id: thread } })),
    );
    for (const thread of ["forget-a", "forget-b"]) {
      const state = await looping.getState({ configurable: { thread_id: thread } });
      expect((state.values.messages as BaseMessage[]).map((m) => m.content)).toEqual(["go", ...[1, 2, 3, 4, 5, 6, 7].map((n) => `step ${n}`)]);
      expect(await connection.hLen(keys.thread(thread)[7]!)).toBe(8);
    }
  });
});

describe("deleteThread", () => {
  it("removes every key of the thread and nothing of other threads", async () => {
    // Its own prefix: list() below walks every thread of the prefix.
    const ownPrefix = uniquePrefix("saver-delete");
    const ownKeys = new SaverKeys(ownPrefix);
    const saver = new RedisSaver(connection, { keyPrefix: ownPrefix });
    const storedKeys = async (threadId: string) => {
      const present: string[] = [];
      for (const key of ownKeys.thread(threadId)) if (await connection.exists(key)) present.push(key);
      return present;
    };
    await chat(saver).invoke({ messages: [new HumanMessage("a")] }, { configurable: { thread_id: "del-1" } });
    await chat(saver).invoke({ messages: [new HumanMessage("b")] }, { configurable: { thread_id: "del-2" } });
    await saver.deleteThread("del-1");
    expect(await storedKeys("del-1")).toEqual([]);
    expect((await storedKeys("del-2")).length).toBeGreaterThan(0);
    const listed = [];
    for await (const tuple of saver.list({})) listed.push(tuple.config.configurable?.thread_id);
    expect(listed).not.toContain("del-1");
    expect(listed).toContain("del-2");
    await deleteByPrefix(connection, ownPrefix);
  });
});
