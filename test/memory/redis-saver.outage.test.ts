/**
 * RedisSaver against private redis-server processes (ports 31010-31019): Redis killed in the
 * middle of a run, and the warning about a Redis that keeps nothing on disk.
 */
import { Annotation, END, START, StateGraph } from "@langchain/langgraph";
import { afterAll, describe, expect, it, vi } from "vitest";
import { UpstreamUnavailableError } from "../../lib/errors.js";
import type { Logger } from "../../lib/logger.js";
import { connectRedis, type RedisConnection } from "../../lib/redis.js";
import { RedisSaver } from "../../memory/index.js";
import { startRedisServer, type RedisProcess } from "../support/redis.js";

const servers: RedisProcess[] = [];
const connections: RedisConnection[] = [];
afterAll(async () => {
  for (const connection of connections) if (connection.isOpen) await connection.destroy();
  for (const server of servers) await server.kill();
});

async function server(port: number, args: string[], dir?: string): Promise<RedisProcess> {
  const started = await startRedisServer(port, args, dir);
  servers.push(started);
  return started;
}

async function until(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 200 && !check(); i += 1) await new Promise((resolve) => setTimeout(resolve, 50));
  if (!check()) throw new Error(`timed out waiting for ${what}`);
}

const Counter = Annotation.Root({ count: Annotation<number>({ reducer: (_, next) => next, default: () => 0 }) });

describe("Redis killed in the middle of a run", () => {
  it("fails with an error naming the operation, then resumes from the last checkpoint once Redis is back", async () => {
    const durable = ["--appendonly", "yes", "--appendfsync", "always"];
    const first = await server(31010, durable);
    const connection = await connectRedis({ url: first.url });
    connections.push(connection);
    const saver = new RedisSaver(connection, { keyPrefix: "outage:" });
    const executed: number[] = [];
    let killed = false;
    const graph = new StateGraph(Counter)
      .addNode("step", async (state) => {
        executed.push(state.count);
        if (state.count === 3 && !killed) {
          killed = true;
          await first.kill();
        }
        return { count: state.count + 1 };
      })
      .addEdge(START, "step")
      .addConditionalEdges("step", (state) => (state.count < 6 ? "step" : END))
      .compile({ checkpointer: saver });
    const config = { configurable: { thread_id: "outage" }, durability: "sync" as const };

    const error = await graph.invoke({ count: 0 }, config).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UpstreamUnavailableError);
    expect((error as Error).message).toMatch(/RedisSaver\.(put|putWrites) \(thread 'outage'\) failed: Redis is unreachable/);
    expect((error as Error).message).toMatch(/resume the run from its last checkpoint/);

    await server(31010, durable, first.dir);
    await until(() => connection.isReady, "the client to reconnect");
    const result = await graph.invoke(null, config);
    expect(result.count).toBe(6);
    // Steps 0-2 were checkpointed before the outage and did not run again; step 3 did.
    expect(executed).toEqual([0, 1, 2, 3, 3, 4, 5]);
  });
});

describe("setup() on a Redis that keeps nothing on disk", () => {
  it("warns once, naming the server and how to run Redis durably", async () => {
    const ephemeral = await server(31011, ["--appendonly", "no"]);
    const connection = await connectRedis({ url: ephemeral.url });
    connections.push(connection);
    const warn = vi.fn();
    const logger = { warn } as unknown as Logger;
    await new RedisSaver(connection, { logger }).setup();
    await new RedisSaver(connection, { logger }).setup();
    expect(warn).toHaveBeenCalledTimes(1);
    expect(String(warn.mock.calls[0]![1])).toMatch(/127\.0\.0\.1:31011 keeps nothing on disk.*appendonly yes.*appendfsync everysec/);
  });

  it("stays quiet when AOF is on", async () => {
    const durable = await server(31012, ["--appendonly", "yes"]);
    const connection = await connectRedis({ url: durable.url });
    connections.push(connection);
    const warn = vi.fn();
    await new RedisSaver(connection, { logger: { warn } as unknown as Logger }).setup();
    expect(warn).not.toHaveBeenCalled();
  });
});
