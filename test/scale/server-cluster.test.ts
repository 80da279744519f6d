/**
 * The server on a 3-master Redis Cluster (ports 30010-30012) through the official SDK client:
 * threads, runs (stream, wait, join), cancel, state and the store, with the run queue, event
 * streams, run store, checkpoints and memory all on the cluster.
 */
import type { Client } from "@langchain/langgraph-sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startRedisCluster, uniquePrefix, type RedisClusterProcess } from "../support/redis.js";
import { FIXTURE_CONFIG, startTestServer, type TestServer } from "../support/server.js";
import { eventually } from "../support/scale.js";

describe("the server on a Redis Cluster", () => {
  let cluster: RedisClusterProcess;
  let server: TestServer;
  let client: Client;
  beforeAll(async () => {
    cluster = await startRedisCluster([30010, 30011, 30012]);
    server = await startTestServer({ configPath: FIXTURE_CONFIG, env: { REDIS_CLUSTER_NODES: cluster.nodes.join(","), REDIS_KEY_PREFIX: uniquePrefix("server-cluster") } });
    client = server.client();
  }, 90_000);
  afterAll(async () => {
    await server?.close();
    await cluster?.stop();
  });

  it("streams, waits, joins and cancels runs; state and store round-trip", async () => {
    expect(server.runtime.deps.storage.durable).toBe(true);
    const thread = await client.threads.create();
    const chunks: string[] = [];
    for await (const chunk of client.runs.stream(thread.thread_id, "echo", { input: { messages: [{ role: "human", content: "c1" }] }, streamMode: ["values"] })) chunks.push(chunk.event);
    expect(chunks[0]).toBe("metadata");
    expect(chunks).toContain("values");
    const waited = (await client.runs.wait(thread.thread_id, "echo", { input: { messages: [{ role: "human", content: "c2" }] } })) as { messages: { content: string }[] };
    expect(waited.messages.at(-1)?.content).toBe("echo: c2");

    const background = await client.runs.create(thread.thread_id, "echo", { input: { messages: [{ role: "human", content: "c3" }] } });
    await client.runs.join(thread.thread_id, background.run_id);
    expect((await client.runs.get(thread.thread_id, background.run_id)).status).toBe("success");

    const slowThread = await client.threads.create();
    const slow = await client.runs.create(slowThread.thread_id, "slow", { input: {}, config: { configurable: { steps: 400, delayMs: 50 } } });
    await eventually(async () => expect((await client.runs.get(slowThread.thread_id, slow.run_id)).status).toBe("running"));
    await client.runs.cancel(slowThread.thread_id, slow.run_id, true);
    expect((await client.runs.get(slowThread.thread_id, slow.run_id)).status).toBe("interrupted");

    const state = await client.threads.getState(thread.thread_id);
    expect((state.values as { messages: unknown[] }).messages.length).toBe(6);
    await client.store.putItem(["notes", "cluster"], "k", { text: "on a cluster" });
    expect((await client.store.getItem(["notes", "cluster"], "k"))?.value).toEqual({ text: "on a cluster" });
  });
});
