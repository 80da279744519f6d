/**
 * RedisStore behaviour beyond the shared contract: TTLs, coherence between processes, mirror
 * resets, paging of large namespaces, the index fingerprint, and errors that say who is at fault.
 */
import type { RedisClientType } from "redis";
import { ConfigError, DataCorruptionError, InvalidInputError, UpstreamUnavailableError } from "../../lib/errors.js";
import { connectRedis, type RedisConnection } from "../../lib/redis.js";
import { StoreKeys } from "../../memory/redis-store/keys.js";
import { RedisStore } from "../../memory/redis-store/store.js";
import { deleteByPrefix, startRedisServer, testRedisUrl, uniquePrefix } from "../support/redis.js";
import { FruitCountEmbeddings } from "./store-contract.js";

const index = { dims: FruitCountEmbeddings.dims, embeddings: new FruitCountEmbeddings(), fields: ["text"] };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("RedisStore on Redis", () => {
  let connection: RedisConnection;
  let keyPrefix: string;
  const open = (config: ConstructorParameters<typeof RedisStore>[1] = {}) => new RedisStore(connection, { keyPrefix, ...config });

  beforeAll(async () => {
    connection = await connectRedis({ url: testRedisUrl() });
  });
  beforeEach(() => {
    keyPrefix = uniquePrefix("redis-store");
  });
  afterEach(async () => {
    await deleteByPrefix(connection, keyPrefix);
  });
  afterAll(async () => {
    await connection.close();
  });

  it("expires items after their TTL everywhere: get, search and namespace listing", async () => {
    const store = open({ index });
    await store.put(["t"], "short", { text: "apple" }, { ttl: 0.002 });
    await store.put(["t2"], "kept", { text: "apple" });
    expect(await store.get(["t"], "short")).not.toBeNull();
    await sleep(250);
    // Once every item of a namespace has expired, Redis drops the namespace's keys by itself.
    const keys = new StoreKeys(keyPrefix).namespace(["t"]);
    expect(await connection.exists([keys.meta, keys.items, keys.vec, keys.chg])).toBe(0);
    expect(await store.get(["t"], "short")).toBeNull();
    expect(await store.search(["t"], { query: "apple" })).toEqual([]);
    expect(await store.listNamespaces()).toEqual([["t2"]]);
  });

  it("applies the default TTL, lets a put opt out with ttl null, and refreshes TTLs on read", async () => {
    const store = open({ ttl: { defaultTTL: 0.005, refreshOnRead: true } });
    await store.put(["d"], "default", { v: 1 });
    await store.put(["d"], "forever", { v: 2 }, { ttl: null });
    for (let i = 0; i < 4; i += 1) {
      await sleep(120);
      expect(await store.get(["d"], "default")).not.toBeNull(); // each read restarts the 300 ms TTL
    }
    await sleep(400);
    expect(await store.get(["d"], "default")).toBeNull();
    expect(await store.get(["d"], "forever")).not.toBeNull();
  });

  it("keeps two processes' searches coherent with each other's writes and deletes", async () => {
    const writer = open({ index });
    const reader = open({ index });
    await writer.put(["shared"], "a", { text: "apple" });
    expect((await reader.search(["shared"], { query: "apple" })).map((item) => item.key)).toEqual(["a"]);
    await writer.put(["shared"], "b", { text: "apple apple" });
    await writer.put(["shared"], "a", { text: "fig" });
    expect((await reader.search(["shared"], { query: "apple", limit: 1 })).map((item) => item.key)).toEqual(["b"]);
    await writer.delete(["shared"], "b");
    await writer.delete(["shared"], "a");
    expect(await reader.search(["shared"], { query: "apple" })).toEqual([]);
    // Recreated from empty: a new epoch, so the reader cannot mistake it for the data it had.
    await writer.put(["shared"], "c", { text: "cherry" });
    expect((await reader.search(["shared"])).map((item) => item.key)).toEqual(["c"]);
  });

  it("reloads a mirror in full when the tombstones it needs were trimmed", async () => {
    const writer = open();
    const reader = open();
    await writer.put(["trim"], "stays", { v: 1 });
    await writer.put(["trim"], "goes", { v: 2 });
    expect(await reader.search(["trim"])).toHaveLength(2);
    await writer.delete(["trim"], "goes");
    // Simulate trimming: drop the tombstone and raise the floor past the reader's version.
    const keys = new StoreKeys(keyPrefix).namespace(["trim"]);
    const version = await connection.hGet(keys.meta, "ver");
    await connection.zRem(keys.dead, "goes");
    await connection.hSet(keys.meta, "floor", version!);
    expect((await reader.search(["trim"])).map((item) => item.key)).toEqual(["stays"]);
  });

  it("mirrors a namespace larger than one sync page", async () => {
    const store = open();
    await store.batch(Array.from({ length: 2_300 }, (_, i) => ({ namespace: ["big"], key: `k${i}`, value: { i } })));
    const reader = open();
    const all = await reader.search(["big"], { limit: 5_000 });
    expect(all).toHaveLength(2_300);
    expect(all[2_299]!.value).toEqual({ i: 2_299 });
    expect(await reader.search(["big"], { filter: { i: { $gte: 2_298 } } })).toHaveLength(2);
  });

  it("keeps every key of a namespace in one cluster slot (one hash tag)", async () => {
    const store = open({ index, ttl: { defaultTTL: 10 } });
    await store.put(["slot", "test"], "a", { text: "apple" });
    await store.delete(["slot", "test"], "missing");
    const keys: string[] = [];
    for await (const batch of (connection as RedisClientType).scanIterator({ MATCH: `${keyPrefix}store:{*`, COUNT: 100 })) keys.push(...batch);
    const tags = new Set(keys.map((key) => /\{([^}]+)\}/.exec(key)![1]!));
    expect(tags.size).toBe(1);
  });

  it("refuses an index whose dims differ from the vectors already stored", async () => {
    await open({ index }).setup();
    await expect(open({ index: { ...index, dims: 3 } }).setup()).rejects.toBeInstanceOf(ConfigError);
    await open({ index }).setup(); // idempotent
  });

  it("reports bad input as the caller's fault", async () => {
    const store = open();
    await expect(store.put(["x"], "k", [1, 2] as unknown as Record<string, unknown>)).rejects.toBeInstanceOf(InvalidInputError);
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    await expect(store.put(["x"], "k", cyclic)).rejects.toBeInstanceOf(InvalidInputError);
    await expect(store.search(["x"], { filter: { n: { $near: 1 } } })).rejects.toBeInstanceOf(InvalidInputError);
    await expect(store.put(["x"], "k", { a: 1 }, { ttl: -1 })).rejects.toBeInstanceOf(ConfigError);
  });

  it("reports damaged stored data as corruption, naming the key", async () => {
    const store = open();
    await store.put(["bad"], "k", { v: 1 });
    await connection.hSet(new StoreKeys(keyPrefix).namespace(["bad"]).items, "k", "not an item");
    await expect(store.get(["bad"], "k")).rejects.toBeInstanceOf(DataCorruptionError);
  });

  it("writes nothing when the embedding model fails, and says it was the model", async () => {
    const failing = { dims: 6, embeddings: { embedDocuments: async () => Promise.reject(new Error("model down")), embedQuery: async () => [0, 0, 0, 0, 0, 1] } };
    const store = open({ index: failing });
    await expect(store.put(["e"], "k", { text: "apple" })).rejects.toMatchObject({ upstream: "embeddings" });
    expect(await store.get(["e"], "k")).toBeNull();
  });
});

describe("RedisStore while Redis is away", () => {
  it("fails fast with UpstreamUnavailableError and recovers when Redis returns", async () => {
    // Below 32768 (Linux's ephemeral ports start there, and any outgoing connection may hold one),
    // and clear of the other tests' private servers, since files run in parallel.
    const port = 30210;
    let server = await startRedisServer(port);
    try {
      const store = await RedisStore.fromConnString(server.url, { keyPrefix: "t:" });
      await store.put(["o"], "k", { v: 1 });
      await server.stop();
      await expect(store.get(["o"], "k")).rejects.toBeInstanceOf(UpstreamUnavailableError);
      server = await startRedisServer(port);
      let recovered = false;
      for (let i = 0; i < 50 && !recovered; i += 1) {
        await sleep(100);
        recovered = await store.put(["o"], "k2", { v: 2 }).then(() => true, () => false);
      }
      expect(recovered).toBe(true);
      await store.end();
    } finally {
      await server.stop();
    }
  });
});
