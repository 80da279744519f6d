/**
 * Run events produced while Redis is away are not lost (issue 18): they wait in order and are
 * written with their own ids when Redis returns, so a reader in another process gets every event,
 * in order, with no gap. A private redis-server with the append-only file is killed and restarted.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectRedis, type RedisConnection } from "../lib/redis.js";
import { RedisRunEventLog } from "../server/execution/event-log-redis.js";
import type { RunEvent } from "../lib/contracts/execution.js";
import { startPrivateRedis, startRedisServer, type RedisProcess } from "./support/redis.js";
import { eventually } from "./support/scale.js";

const PERSISTENT = ["--appendonly", "yes", "--appendfsync", "always"];

describe("run events during a Redis outage", () => {
  let redis: RedisProcess;
  let connection: RedisConnection;
  let log: RedisRunEventLog;

  beforeAll(async () => {
    redis = await startPrivateRedis(PERSISTENT);
    connection = await connectRedis({ url: redis.url });
    log = new RedisRunEventLog(connection, { keyPrefix: "outage:" });
  });
  afterAll(async () => {
    await log?.close();
    if (connection?.isOpen) await connection.close();
    await redis?.stop();
  });

  it("writes the events produced while Redis was down, in order, once it is back", async () => {
    const runId = crypto.randomUUID();
    await log.begin(runId, { threadId: null, resumed: false });
    for (let i = 0; i < 3; i++) await log.append(runId, "values", { i });
    await eventually(async () => expect(await connection.xLen(`outage:srv:{${runId}}:events`)).toBe(3));

    await redis.kill();
    for (let i = 3; i < 8; i++) await log.append(runId, "values", { i });
    redis = await startRedisServer(redis.port, PERSISTENT, redis.dir);
    await eventually(async () => expect(await connection.ping()).toBe("PONG"), 20_000, 100);
    for (let i = 8; i < 10; i++) await log.append(runId, "values", { i });
    await eventually(() => log.finish(runId, { status: "success" }), 20_000, 200);

    // A reader in another process sees every event, numbered 0..9 in production order, then the end.
    const other = await connectRedis({ url: redis.url });
    const reader = new RedisRunEventLog(other, { keyPrefix: "outage:" });
    try {
      const events: RunEvent[] = [];
      let ended: unknown;
      for await (const event of reader.read(runId, { onEnd: (end) => (ended = end) })) events.push(event);
      expect(events.map((event) => event.id)).toEqual(["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"]);
      expect(events.map((event) => (JSON.parse(event.raw!) as { i: number }).i)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
      expect(events.some((event) => event.event === "gap")).toBe(false);
      expect(ended).toEqual({ status: "success" });
    } finally {
      await reader.close();
      await other.close();
    }
  }, 60_000);
});
