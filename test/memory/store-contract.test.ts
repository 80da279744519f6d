import { InMemoryStore } from "@langchain/langgraph-checkpoint";
import { RedisStore } from "../../memory/redis-store/store.js";
import type { RedisConnection } from "../../lib/redis.js";
import { deletePrefix, startCluster, testConnection, TEST_REDIS_URL, uniquePrefix, type TestCluster } from "../support/memory-redis.js";
import { describeStoreContract } from "./store-contract.js";

describeStoreContract("InMemoryStore", async ({ index }) => {
  const store = new InMemoryStore(index ? { index } : undefined);
  return { store, close: async () => undefined };
});

describe("on a single Redis node", () => {
  let connection: RedisConnection;
  beforeAll(async () => {
    connection = await testConnection({ url: TEST_REDIS_URL });
  });
  afterAll(async () => {
    await connection.close();
  });

  describeStoreContract("RedisStore", async ({ index }) => {
    const keyPrefix = uniquePrefix("store-contract");
    const store = new RedisStore(connection, { keyPrefix, ...(index ? { index } : {}) });
    await store.setup();
    return { store, close: () => deletePrefix(connection, keyPrefix) };
  });
});

describe("on a 3-master Redis Cluster", () => {
  let cluster: TestCluster;
  let connection: RedisConnection;
  beforeAll(async () => {
    cluster = await startCluster([33001, 33002, 33003]);
    connection = await testConnection({ clusterNodes: cluster.nodes });
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
        await deletePrefix(connection, keyPrefix);
      },
    };
  });
});
