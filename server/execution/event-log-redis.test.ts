/**
 * RedisRunEventLog across processes (two logs on two connections stand for two processes): a
 * run's events are numbered 0, 1, 2, …; a reader elsewhere follows them live and resumes after
 * an id; a worker that takes a run over numbers on after the last event; a process that does not
 * hold the run appends after the last one; the end marker carries the run's status; a thread's
 * runs are listed in the order they started.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectRedis, type RedisConnection } from "../../lib/redis.js";
import { deleteByPrefix, testRedisUrl, uniquePrefix } from "../../test/support/redis.js";
import { RedisRunEventLog } from "./event-log-redis.js";
import type { RunEvent, RunEventsEnd, ThreadRunEntry } from "../../lib/contracts/execution.js";

async function readAll(log: RedisRunEventLog, runId: string, options: Parameters<RedisRunEventLog["read"]>[1] = {}): Promise<RunEvent[]> {
  const events: RunEvent[] = [];
  for await (const event of log.read(runId, options)) events.push(event);
  return events;
}

const values = (events: RunEvent[]) => events.map((event) => (JSON.parse(event.raw!) as { i: number }).i);

describe("RedisRunEventLog across processes", () => {
  let redis: RedisConnection;
  let otherConnection: RedisConnection;
  let here: RedisRunEventLog;
  let there: RedisRunEventLog;
  const prefix = uniquePrefix("events");

  beforeAll(async () => {
    redis = await connectRedis({ url: testRedisUrl() });
    otherConnection = await connectRedis({ url: testRedisUrl() });
    here = new RedisRunEventLog(redis, { keyPrefix: prefix });
    there = new RedisRunEventLog(otherConnection, { keyPrefix: prefix });
  });
  afterAll(async () => {
    await Promise.all([here.close(), there.close()]);
    await deleteByPrefix(redis, prefix);
    await Promise.all([redis.close(), otherConnection.close()]);
  });

  it("numbers a run's events 0, 1, 2, …; a reader elsewhere follows live, resumes after an id, hears the status", async () => {
    const runId = "run-1";
    let live = true;
    let end: RunEventsEnd | undefined;
    await here.begin(runId, { threadId: null, resumed: false });
    const reading = readAll(there, runId, { isLive: async () => live, onEnd: (value) => (end = value) });
    for (let i = 0; i < 5; i++) {
      expect(await here.append(runId, "values", { i })).toBe(String(i));
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    await here.finish(runId, { status: "success" });
    live = false;
    const seen = await reading;
    expect(seen.map((event) => event.id)).toEqual(["0", "1", "2", "3", "4"]);
    expect(values(seen)).toEqual([0, 1, 2, 3, 4]);
    expect(end).toEqual({ status: "success" });
    expect(values(await readAll(there, runId, { after: 1 }))).toEqual([2, 3, 4]);
    expect(values(await readAll(there, runId, { after: -1 }))).toEqual([0, 1, 2, 3, 4]);
    expect(await readAll(there, runId, { after: "now" })).toEqual([]);
    expect(await redis.pTTL(`${prefix}srv:{${runId}}:events`)).toBeGreaterThan(0);
  });

  it("a reader of a run that never ran stops when the run is no longer live", async () => {
    expect(await readAll(there, "never", { isLive: async () => false })).toEqual([]);
  });

  it("a worker that takes a run over numbers on after the last event; a local reader gets the earlier ones from Redis", async () => {
    const runId = "run-taken-over";
    await here.begin(runId, { threadId: null, resumed: false });
    await here.append(runId, "metadata", { i: 0 });
    await here.append(runId, "values", { i: 1 });
    await here.handOff(runId);
    await there.begin(runId, { threadId: null, resumed: true });
    expect(await there.append(runId, "metadata", { i: 2 })).toBe("2");
    const local = readAll(there, runId);
    await there.append(runId, "values", { i: 3 });
    await there.finish(runId, { status: "success" });
    expect((await local).map((event) => event.id)).toEqual(["0", "1", "2", "3"]);
    expect(values(await readAll(here, runId))).toEqual([0, 1, 2, 3]);
  });

  it("a process that does not hold the run appends after its last event (an abandoned run's error, a cancelled run's end)", async () => {
    const runId = "run-remote";
    await here.begin(runId, { threadId: null, resumed: false });
    await here.append(runId, "metadata", { i: 0 });
    await here.handOff(runId);
    expect(await there.append(runId, "error", { i: 1 })).toBe("1");
    let end: RunEventsEnd | undefined;
    await there.finish(runId, { status: "error" });
    expect((await readAll(here, runId, { onEnd: (value) => (end = value) })).map((event) => event.event)).toEqual(["metadata", "error"]);
    expect(end).toEqual({ status: "error" });
    // The end marker alone (a run dropped before it started).
    await there.finish("run-never-started", { status: "interrupted" });
    expect(await readAll(here, "run-never-started")).toEqual([]);
  });

  it("lists a thread's runs in the order they started and follows new ones from any position", async () => {
    const threadId = "thread-1";
    expect(await here.latestThreadRun(threadId)).toBeUndefined();
    const controller = new AbortController();
    const followed: ThreadRunEntry[] = [];
    const following = (async () => {
      for await (const entry of there.threadRuns(threadId, { from: "first", signal: controller.signal })) {
        followed.push(entry);
        if (followed.length === 3) controller.abort();
      }
    })();
    for (const runId of ["a", "b", "c"]) {
      await here.begin(runId, { threadId, resumed: false });
      await here.finish(runId, { status: "success" });
    }
    await following;
    expect(followed.map((entry) => entry.runId)).toEqual(["a", "b", "c"]);
    const latest = await there.latestThreadRun(threadId);
    expect(latest?.runId).toBe("c");
    const after: string[] = [];
    const stop = new AbortController();
    for await (const entry of there.threadRuns(threadId, { from: { at: followed[1]!.position }, signal: stop.signal })) {
      after.push(entry.runId);
      if (after.length === 2) stop.abort();
    }
    expect(after).toEqual(["b", "c"]);
  });
});
