/**
 * A long stream keeps one abort listener on its reader's signal (issue 18: each wait in the
 * event reader once added one and never removed it, so every streaming connection piled up one
 * per event until MaxListenersExceededWarning). The count is sampled at every event a reader
 * receives, in memory and through Redis (a reader in the process that holds the run, and one in
 * another process), and on a thread's run list.
 */
import { getEventListeners } from "node:events";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectRedis, type RedisConnection } from "../../lib/redis.js";
import type { RunEventLog } from "../../lib/contracts/execution.js";
import { deleteByPrefix, testRedisUrl, uniquePrefix } from "../../test/support/redis.js";
import { EventBuffer } from "./event-buffer.js";
import { InMemoryRunEventLog } from "./event-log-memory.js";
import { RedisRunEventLog } from "./event-log-redis.js";

const EVENTS = 300;
const listeners = (signal: AbortSignal) => getEventListeners(signal, "abort").length;

/** Writes `EVENTS` events one at a time (each after the reader has caught up) while one reader follows; returns the listener counts it saw. */
async function followLongRun(writer: RunEventLog, reader: RunEventLog, runId: string): Promise<number[]> {
  const controller = new AbortController();
  const counts: number[] = [];
  await writer.begin(runId, { threadId: null, resumed: false });
  let received = 0;
  const reading = (async () => {
    for await (const _event of reader.read(runId, { signal: controller.signal, isLive: async () => true })) {
      received += 1;
      counts.push(listeners(controller.signal));
      if (received === EVENTS) break;
    }
  })();
  for (let i = 0; i < EVENTS; i++) {
    await writer.append(runId, "values", { i });
    // Let the reader take the event and wait again before the next one: one wait per event.
    while (received <= i) await new Promise((resolve) => setImmediate(resolve));
  }
  await reading;
  await writer.finish(runId, { status: "success" });
  controller.abort();
  counts.push(listeners(controller.signal));
  return counts;
}

describe("listeners on a long stream's signal stay flat", () => {
  it("EventBuffer.follow: one listener while waiting, none after each wake-up and after abort", async () => {
    const buffer = new EventBuffer();
    const controller = new AbortController();
    const counts: number[] = [];
    const reading = (async () => {
      for await (const _event of buffer.follow(undefined, controller.signal)) counts.push(listeners(controller.signal));
    })();
    for (let i = 0; i < EVENTS; i++) {
      await new Promise((resolve) => setImmediate(resolve));
      counts.push(listeners(controller.signal));
      buffer.push("values", { i }, "{}");
    }
    await new Promise((resolve) => setImmediate(resolve));
    controller.abort();
    await reading;
    expect(counts.length).toBe(2 * EVENTS);
    expect(Math.max(...counts)).toBe(1);
    expect(listeners(controller.signal)).toBe(0);
  });

  it("in memory", async () => {
    const log = new InMemoryRunEventLog();
    const counts = await followLongRun(log, log, "run-memory");
    expect(counts).toHaveLength(EVENTS + 1);
    expect(Math.max(...counts)).toBeLessThanOrEqual(1);
    expect(counts.at(-1)).toBe(0);
  });

  describe("through Redis", () => {
    let redis: RedisConnection;
    let other: RedisConnection;
    let here: RedisRunEventLog;
    let there: RedisRunEventLog;
    const prefix = uniquePrefix("listeners");

    beforeAll(async () => {
      redis = await connectRedis({ url: testRedisUrl() });
      other = await connectRedis({ url: testRedisUrl() });
      here = new RedisRunEventLog(redis, { keyPrefix: prefix });
      there = new RedisRunEventLog(other, { keyPrefix: prefix });
    });
    afterAll(async () => {
      await Promise.all([here.close(), there.close()]);
      await deleteByPrefix(redis, prefix);
      await Promise.all([redis.close(), other.close()]);
    });

    it("a reader in the process that holds the run", async () => {
      const counts = await followLongRun(here, here, "run-local");
      expect(counts).toHaveLength(EVENTS + 1);
      expect(Math.max(...counts)).toBeLessThanOrEqual(1);
      expect(counts.at(-1)).toBe(0);
    });

    it("a reader in another process", async () => {
      const counts = await followLongRun(here, there, "run-remote");
      expect(counts).toHaveLength(EVENTS + 1);
      expect(Math.max(...counts)).toBeLessThanOrEqual(1);
      expect(counts.at(-1)).toBe(0);
    });
  });
});
