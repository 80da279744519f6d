/**
 * The trace stores: one spec for Redis and memory (save, replace, read, list a thread's runs
 * newest first), then each one's bounds: Redis retention (expiry) and per-thread index cap,
 * the memory store's size cap, and a clear error while Redis is away.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { UpstreamUnavailableError } from "../../lib/errors.js";
import { connectRedis, type RedisConnection } from "../../lib/redis.js";
import type { RunTrace, TraceStore } from "../../tracing/trace.js";
import { MemoryTraceStore, RedisTraceStore } from "../../tracing/index.js";
import { deleteByPrefix, startRedisServer, testRedisUrl, uniquePrefix } from "../support/redis.js";

function trace(runId: string, threadId: string | null, startedAt: string, terminalState = "completed"): RunTrace {
  const usage = { inputTokens: 1, outputTokens: 2, totalTokens: 3, costUsd: 0.001 };
  return {
    runId, threadId, graphId: "agent", owner: "alice", terminalState, startedAt, endedAt: startedAt, truncated: false,
    cost: { total: { ...usage, modelCalls: 1, toolCalls: 0 }, byAgent: {}, byTool: {}, byModel: {} },
    root: { id: runId, parentId: null, name: "agent", kind: "graph", runType: "chain", agent: "agent", status: "ok", startedAt, endedAt: startedAt, durationMs: 1, children: [] },
  };
}

let redis: RedisConnection;
const prefix = uniquePrefix("trace-store");
beforeAll(async () => {
  redis = await connectRedis({ url: testRedisUrl(), name: "trace-store-test" });
});
afterAll(async () => {
  await deleteByPrefix(redis, prefix);
  await redis.close();
});

const backends: [string, () => TraceStore][] = [
  ["redis", () => new RedisTraceStore(redis, `${prefix}${crypto.randomUUID().slice(0, 6)}:`)],
  ["memory", () => new MemoryTraceStore()],
];

describe.each(backends)("trace store (%s)", (_name, make) => {
  it("saves, replaces and reads traces, and lists a thread's runs newest first", async () => {
    const store = make();
    await store.save(trace("run-1", "thread-1", "2026-01-01T10:00:00.000Z", "interrupted"));
    await store.save(trace("run-2", "thread-1", "2026-01-01T11:00:00.000Z"));
    await store.save(trace("run-3", "thread-2", "2026-01-01T12:00:00.000Z"));
    await store.save(trace("run-1", "thread-1", "2026-01-01T10:00:00.000Z", "cancelled"));
    expect(await store.get("run-1")).toMatchObject({ runId: "run-1", terminalState: "cancelled", cost: { total: { costUsd: 0.001 } } });
    expect(await store.get("nope")).toBeNull();
    expect(await store.listRuns("thread-1")).toEqual(["run-2", "run-1"]);
    expect(await store.listRuns("thread-1", 1)).toEqual(["run-2"]);
    expect(await store.listRuns("unknown")).toEqual([]);
  });
});

describe("RedisTraceStore bounds", () => {
  it("expires each trace after the retention and caps a thread's index", async () => {
    const keyPrefix = `${prefix}bounds:`;
    const store = new RedisTraceStore(redis, keyPrefix, { retentionHours: 2, maxRunsPerThread: 2 });
    for (const [index, runId] of ["a", "b", "c"].entries()) await store.save(trace(runId, "thread", `2026-01-01T1${index}:00:00.000Z`));
    const ttl = Number(await redis.pTTL(`${keyPrefix}trace:{a}`));
    expect(ttl).toBeGreaterThan(2 * 3_600_000 - 60_000);
    expect(ttl).toBeLessThanOrEqual(2 * 3_600_000);
    expect(Number(await redis.pTTL(`${keyPrefix}trace-thread:{thread}`))).toBeGreaterThan(0);
    expect(await store.listRuns("thread")).toEqual(["c", "b"]);
  });

  it("says which operation failed while Redis is away", async () => {
    const server = await startRedisServer(36_101);
    const connection = await connectRedis({ url: server.url, name: "trace-store-outage", commandTimeoutMs: 2_000 });
    const store = new RedisTraceStore(connection, "sb:");
    try {
      await store.save(trace("x", "t", "2026-01-01T10:00:00.000Z"));
      await server.stop();
      await expect(store.get("x")).rejects.toThrow(UpstreamUnavailableError);
      await expect(store.save(trace("y", "t", "2026-01-01T10:00:00.000Z"))).rejects.toThrow(/save the trace of run 'y'/);
    } finally {
      await server.stop();
      await connection.destroy();
    }
  });
});

describe("MemoryTraceStore bounds", () => {
  it("keeps at most maxTraces, dropping the least recently used", async () => {
    const store = new MemoryTraceStore({ maxTraces: 2 });
    for (const [index, runId] of ["a", "b", "c"].entries()) await store.save(trace(runId, "thread", `2026-01-01T1${index}:00:00.000Z`));
    expect(await store.get("a")).toBeNull();
    expect(await store.listRuns("thread")).toEqual(["c", "b"]);
  });
});
