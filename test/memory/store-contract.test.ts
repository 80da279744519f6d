import { InMemoryStore } from "@langchain/langgraph-checkpoint";
import { RedisStore } from "../../memory/redis-store/store.js";
import { connectRedis, type RedisConnection } from "../../lib/redis.js";
import { deleteByPrefix, startRedisCluster, testRedisUrl, uniquePrefix, type RedisClusterProcess } from "../support/redis.js";
import { describeStoreContract } from "./store-contract.js";

describeStoreContract("InMemoryStore", async ({ index }) => {
  const store = new InMemoryStore(index ? { index } : undefined);
  return { store, close: async () => undefined };
});

describe("on a single Redis node", () => {
  let connection: RedisConnection;
  beforeAll(async () => {
    connection = await connectRedis({ url: testRedisUrl() });
  });
  afterAll(async () => {
    await connection.close();
  });

  describeStoreContract("RedisStore", async ({ index }) => {
    const keyPrefix = uniquePrefix("store-contract");
    const store = new RedisStore(connection, { keyPrefix, ...(index ? { index } : {}) });
    await store.setup();
    return { store, close: () => deleteByPrefix(connection, keyPrefix) };
  });
});

describe("on a 3-master Redis Cluster", () => {
  let cluster: RedisClusterProcess;
  let connection: RedisConnection;
  beforeAll(async () => {
    cluster = await startRedisCluster([31011, 31012, 31013]);
    connection = await connectRedis({ clusterNodes: cluster.nodes });
  });
  afterAll(async () => {
    await connection?.close();
    await cluster?.stop();
  });

  describeStoreContract("RedisStore (cluster)", async ({ index }) => {
    const keyPrefix = uniquePrefix("store-contract");
    const store = await RedisStore.fromCluster(cluster.nodes, { keyPrefix, ...(index ? { index } : {}) });
    return {
      store,
      close: async () => {
        await store.end();
        await deleteByPrefix(connection, keyPrefix);
      },
    };
  });
});
