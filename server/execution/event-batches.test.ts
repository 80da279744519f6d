/**
 * Event batching (issue 20): a run's events appended within the batch window reach Redis as one
 * command, the end marker goes with the last events and the stream's expiry, and events the
 * stream has moved past (another process numbered on) are reported by a `gap` event.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectRedis, type RedisConnection } from "../../lib/redis.js";
import { deleteByPrefix, testRedisUrl, uniquePrefix } from "../../test/support/redis.js";
import { eventually } from "../../test/support/scale.js";
import { RedisRunEventLog } from "./event-log-redis.js";
import type { RunEvent } from "../../lib/contracts/execution.js";

/** The connection with the commands sent through its `withCommandOptions` view counted by name. */
function counting(connection: RedisConnection, counts: Map<string, number>): RedisConnection {
  return new Proxy(connection, {
    get(target, property, receiver) {
      if (property !== "withCommandOptions") return Reflect.get(target, property, receiver) as unknown;
      return (options: unknown) => {
        const view = (target.withCommandOptions as (options: unknown) => object)(options);
        return new Proxy(view, {
          get(inner, name, innerReceiver) {
            const value = Reflect.get(inner, name, innerReceiver) as unknown;
            if (typeof value !== "function" || typeof name !== "string") return value;
            return (...args: unknown[]) => {
              counts.set(name, (counts.get(name) ?? 0) + 1);
              return (value as (...args: unknown[]) => unknown).apply(inner, args);
            };
          },
        });
      };
    },
  });
}

describe("event batching", () => {
  let redis: RedisConnection;
  const prefix = uniquePrefix("event-batches");
  const counts = new Map<string, number>();
  let log: RedisRunEventLog;

  beforeAll(async () => {
    redis = await connectRedis({ url: testRedisUrl() });
    log = new RedisRunEventLog(counting(redis, counts), { keyPrefix: prefix });
  });
  afterAll(async () => {
    await log.close();
    await deleteByPrefix(redis, prefix);
    await redis.close();
  });

  it("sends a window's events as one command and the end with the last events and the expiry as one more", async () => {
    const runId = crypto.randomUUID();
    await log.begin(runId, { threadId: null, resumed: false });
    counts.clear();
    for (let i = 0; i < 5; i++) void log.append(runId, "values", { i });
    await new Promise((resolve) => setTimeout(resolve, 100));
    for (let i = 5; i < 8; i++) void log.append(runId, "values", { i });
    await log.finish(runId, { status: "success" });
    expect(Object.fromEntries(counts)).toEqual({ evalSha: 2 });

    const key = `${prefix}srv:{${runId}}:events`;
    const entries = ((await redis.xRange(key, "-", "+")) ?? []) as unknown as { id: string; message: Record<string, string> }[];
    expect(entries.map((entry) => entry.id)).toEqual(["0-1", "0-2", "0-3", "0-4", "0-5", "0-6", "0-7", "0-8", "0-9"]);
    expect(entries.map((entry) => entry.message.e)).toEqual([...Array(8).fill("values"), "__end__"]);
    expect(await redis.pTTL(key)).toBeGreaterThan(0);
  });

  it("reports events the stream has moved past with a gap event instead of dropping them silently", async () => {
    const runId = crypto.randomUUID();
    const key = `${prefix}srv:{${runId}}:events`;
    await log.begin(runId, { threadId: null, resumed: false });
    await log.append(runId, "values", { i: 0 });
    await eventually(async () => expect(await redis.xLen(key)).toBe(1));
    // Another process numbered on past this one's next ids (a takeover it did not hear of).
    await redis.xAdd(key, "0-5", { e: "values", d: "{\"other\":true}" });
    void log.append(runId, "values", { i: 1 });
    void log.append(runId, "values", { i: 2 });
    await log.finish(runId, { status: "success" }).catch(() => undefined);

    const other = new RedisRunEventLog(redis, { keyPrefix: prefix });
    try {
      const events: RunEvent[] = [];
      for await (const event of other.read(runId, { after: -1, isLive: async () => false })) events.push(event);
      const gap = events.find((event) => event.event === "gap");
      expect(gap).toBeDefined();
      expect((JSON.parse(gap!.raw!) as { missed_event_ids: string[] }).missed_event_ids).toEqual(["1", "2"]);
    } finally {
      await other.close();
    }
  });
});
