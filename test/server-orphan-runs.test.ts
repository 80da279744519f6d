/**
 * A run stored but not queued must not block its thread (issue 18, "Redis going away"): the
 * queue write fails after the record is saved (BullMQ's ioredis offline while node-redis is
 * back) → the caller gets 503 with Retry-After, the run is undone and the thread is free. And a
 * pending run left without a job by a process that died before it could undo it is queued by the
 * next caller that finds the thread busy.
 */
import { Redis } from "ioredis";
import type { Hono } from "hono";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunRecord } from "../server/records/types.js";
import type { RunJob } from "../lib/contracts/execution.js";
import { assistantIdForGraph } from "../server/graphs/registry.js";
import type { ServerRuntime } from "../server/runtime.js";
import { testRedisUrl, uniquePrefix } from "./support/redis.js";
import { pendingRunRecord } from "./support/run-record.js";
import { cleanQueuePrefix, eventually } from "./support/scale.js";
import { openAppRuntime, type AppRuntime } from "./support/server.js";

/** The error BullMQ's ioredis connection raises while it is offline, produced by ioredis itself. */
async function ioredisOfflineError(): Promise<Error> {
  const offline = new Redis("redis://127.0.0.1:1", { lazyConnect: true, enableOfflineQueue: false, retryStrategy: () => null });
  try {
    await offline.ping();
  } catch (error) {
    return error as Error;
  } finally {
    offline.disconnect();
  }
  throw new Error("ioredis answered without a connection");
}

const json = (body: unknown) => ({ method: "POST", body: JSON.stringify(body), headers: { "content-type": "application/json" } });

describe("a run whose queue write fails after its record is saved", () => {
  const prefix = uniquePrefix("orphans");
  let runtime: ServerRuntime;
  let app: Hono;
  let opened: AppRuntime | undefined;
  let failNextEnqueue: Error | undefined;
  let failedJob: RunJob | undefined;

  beforeAll(async () => {
    opened = await openAppRuntime({ REDIS_URL: testRedisUrl(), REDIS_KEY_PREFIX: prefix }, (runtime) => {
      const queue = runtime.deps.queue;
      const enqueue = queue.enqueue.bind(queue);
      queue.enqueue = async (job, options) => {
        const failure = failNextEnqueue;
        failNextEnqueue = undefined;
        if (failure) {
          failedJob = job;
          throw failure;
        }
        return enqueue(job, options);
      };
    });
    ({ runtime, app } = opened);
  }, 60_000);
  afterAll(async () => {
    await opened?.close();
    await cleanQueuePrefix(prefix);
  });

  it("answers 503 with Retry-After, undoes the run and leaves the thread free", async () => {
    const thread = (await (await app.request("/threads", json({}))).json()) as { thread_id: string };
    failNextEnqueue = await ioredisOfflineError();
    expect(failNextEnqueue.message).toMatch(/enableOfflineQueue/);

    const refused = await app.request(`/threads/${thread.thread_id}/runs`, json({ assistant_id: "echo", input: { messages: [{ role: "human", content: "lost" }] } }));
    expect(refused.status).toBe(503);
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(((await refused.json()) as { error: string }).error).toBe("upstream_unavailable");

    expect(await runtime.deps.storage.runs.active(thread.thread_id)).toEqual([]);
    expect(await runtime.deps.storage.runs.list(thread.thread_id)).toEqual([]);
    expect(((await (await app.request(`/threads/${thread.thread_id}`)).json()) as { status: string }).status).toBe("idle");

    const next = await app.request(`/threads/${thread.thread_id}/runs/wait`, json({ assistant_id: "echo", input: { messages: [{ role: "human", content: "after" }] } }));
    expect(next.status).toBe(200);
    expect(await next.text()).toContain("echo: after");
  });

  it("a stateless run refused this way leaves no thread behind", async () => {
    failNextEnqueue = await ioredisOfflineError();
    const refused = await app.request("/runs", json({ assistant_id: "echo", input: { messages: [] } }));
    expect(refused.status).toBe(503);
    expect(failedJob?.threadId).toBeNull();
    // A stateless run's temporary thread has the run's id.
    expect(await runtime.deps.storage.threads.get(failedJob!.runId)).toBeUndefined();
    expect(await runtime.deps.storage.runs.get(failedJob!.runId, failedJob!.runId)).toBeUndefined();
  });

  it("a thread left busy by a pending run without a job gets that run queued by the next caller", async () => {
    const thread = (await (await app.request("/threads", json({}))).json()) as { thread_id: string };
    // What a process that died between saving and queueing leaves behind: a pending run, no job.
    const createdAt = new Date(Date.now() - 60_000).toISOString();
    const orphan = pendingRunRecord(thread.thread_id, {
      assistantId: assistantIdForGraph("echo"),
      graphId: "echo",
      owner: "anonymous",
      createdAt,
      input: { messages: [{ role: "human", content: "orphan" }] },
      configurable: { thread_id: thread.thread_id },
    });
    const stored = await runtime.deps.storage.threads.get(thread.thread_id);
    const created = await runtime.deps.storage.runs.create({ ...orphan, owner: stored!.owner }, { ifNotExists: "reject", newThread: stored! });
    expect(created.kind).toBe("created");

    const busy = await app.request(`/threads/${thread.thread_id}/runs`, json({ assistant_id: "echo", input: { messages: [] } }));
    expect(busy.status).toBe(409);
    await eventually(async () => expect((await runtime.deps.storage.runs.get(thread.thread_id, orphan.run_id))?.status).toBe("success"));
    const next = await app.request(`/threads/${thread.thread_id}/runs/wait`, json({ assistant_id: "echo", input: { messages: [{ role: "human", content: "free" }] } }));
    expect(next.status).toBe(200);
    expect(await next.text()).toContain("echo: free");
  });
});
