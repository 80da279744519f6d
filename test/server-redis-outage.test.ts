/**
 * Redis goes away under a running server: requests get 503 with Retry-After (never a 500 and
 * never a hang), and the server recovers by itself when Redis is back.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Hono } from "hono";
import { parseEnv } from "../lib/env.js";
import { silentLogger } from "../lib/logger.js";
import { createApp } from "../server/app.js";
import { buildServerRuntime, type ServerRuntime } from "../server/runtime.js";
import { startPrivateRedis, startRedisServer, type RedisProcess } from "./support/redis.js";
import { eventually } from "./support/scale.js";
import { FIXTURE_CONFIG } from "./support/server.js";

const PORT = 32_101;

describe("server during a Redis outage", () => {
  let redis: RedisProcess;
  let runtime: ServerRuntime;
  let app: Hono;

  beforeAll(async () => {
    redis = await startRedisServer(PORT);
    runtime = await buildServerRuntime(parseEnv({ REDIS_URL: redis.url, REDIS_KEY_PREFIX: "outage:" }), silentLogger(), { configPath: FIXTURE_CONFIG });
    await runtime.deps.queue.startWorker(runtime.handler, { concurrency: 2 });
    app = createApp(runtime.deps);
  }, 60_000);
  afterAll(async () => {
    await runtime?.deps.queue.close();
    await runtime?.close();
    await redis?.stop();
  });

  const createThread = () => app.request("/threads", { method: "POST", body: "{}", headers: { "content-type": "application/json" } });

  it("answers 503 with Retry-After while Redis is down and recovers when it returns", async () => {
    expect((await createThread()).status).toBe(200);
    await redis.kill();
    const down = await createThread();
    expect(down.status).toBe(503);
    expect(Number(down.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(((await down.json()) as { error: string }).error).toBe("upstream_unavailable");
    const wait = await app.request("/runs/wait", { method: "POST", body: JSON.stringify({ assistant_id: "echo", input: { messages: [] } }), headers: { "content-type": "application/json" } });
    expect(wait.status).toBe(503);

    redis = await startRedisServer(PORT);
    let status = 0;
    for (let attempt = 0; attempt < 100 && status !== 200; attempt++) {
      status = (await createThread()).status;
      if (status !== 200) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(status).toBe(200);
    const run = await app.request("/runs/wait", { method: "POST", body: JSON.stringify({ assistant_id: "echo", input: { messages: [{ role: "human", content: "back" }] } }), headers: { "content-type": "application/json" } });
    expect(run.status).toBe(200);
    expect(await run.text()).toContain("echo: back");
  }, 60_000);
});

describe("server while Redis hangs (SIGSTOP)", () => {
  const DEADLINE_MS = 1_000;
  let redis: RedisProcess;
  let runtime: ServerRuntime;
  let app: Hono;

  beforeAll(async () => {
    redis = await startPrivateRedis();
    runtime = await buildServerRuntime(parseEnv({ REDIS_URL: redis.url, REDIS_KEY_PREFIX: "hang:", SERVER_REDIS_DEADLINE_MS: String(DEADLINE_MS) }), silentLogger(), { configPath: FIXTURE_CONFIG });
    await runtime.deps.queue.startWorker(runtime.handler, { concurrency: 2 });
    app = createApp(runtime.deps);
  }, 60_000);
  afterAll(async () => {
    redis?.resume();
    await runtime?.deps.queue.close();
    await runtime?.close();
    await redis?.stop();
  });

  const post = (path: string, body: unknown) => app.request(path, { method: "POST", body: JSON.stringify(body), headers: { "content-type": "application/json" } });

  it("answers 503 with Retry-After while Redis is still paused, creates no run, and recovers after SIGCONT", async () => {
    const thread = (await (await post("/threads", {})).json()) as { thread_id: string };
    redis.pause();
    try {
      // Requests already in flight when Redis froze, and requests arriving after it was found silent.
      const inFlight = [post("/threads", {}), app.request(`/threads/${thread.thread_id}`), post(`/threads/${thread.thread_id}/runs`, { assistant_id: "echo", input: { messages: [] } })];
      const answered = await Promise.all(inFlight);
      const later = await Promise.all([post(`/threads/${thread.thread_id}/runs/wait`, { assistant_id: "echo", input: { messages: [] } }), post("/threads/search", {}), app.request(`/threads/${thread.thread_id}/runs`)]);
      // Everything above answered while Redis was still frozen; without the deadline each would wait
      // for the 30 s command timeout, past this test's 20 s limit.
      for (const response of [...answered, ...later]) {
        expect(response.status).toBe(503);
        expect(Number(response.headers.get("retry-after"))).toBeGreaterThan(0);
        expect(((await response.json()) as { error: string }).error).toBe("upstream_unavailable");
      }
      // Liveness does not depend on Redis.
      expect((await app.request("/ok")).status).toBe(200);
    } finally {
      redis.resume();
    }

    await eventually(async () => expect((await app.request(`/threads/${thread.thread_id}`)).status).toBe(200));
    // The run whose request got 503 was undone once Redis answered: no orphan holds the thread.
    await eventually(async () => expect(await runtime.deps.storage.runs.active(thread.thread_id)).toEqual([]));
    expect(await runtime.deps.storage.runs.list(thread.thread_id)).toEqual([]);
    const run = await post(`/threads/${thread.thread_id}/runs/wait`, { assistant_id: "echo", input: { messages: [{ role: "human", content: "thawed" }] } });
    expect(run.status).toBe(200);
    expect(await run.text()).toContain("echo: thawed");
  }, 20_000);
});

describe("a run in flight when Redis restarts", () => {
  const PERSISTENT = ["--appendonly", "yes", "--appendfsync", "always"];
  let redis: RedisProcess;
  let runtime: ServerRuntime;
  let app: Hono;

  beforeAll(async () => {
    redis = await startPrivateRedis(PERSISTENT);
    // A lease far longer than this test: only a prompt resume by the process holding the run can finish it in time.
    runtime = await buildServerRuntime(parseEnv({ REDIS_URL: redis.url, REDIS_KEY_PREFIX: "resume:", RUN_LEASE_MS: "120000" }), silentLogger(), { configPath: FIXTURE_CONFIG });
    await runtime.deps.queue.startWorker(runtime.handler, { concurrency: 2 });
    app = createApp(runtime.deps);
  }, 60_000);
  afterAll(async () => {
    await runtime?.deps.queue.close();
    await runtime?.close();
    await redis?.stop();
  });

  it("is resumed by the process holding it as soon as Redis answers, not when its lease expires", async () => {
    const post = (path: string, body: unknown) => app.request(path, { method: "POST", body: JSON.stringify(body), headers: { "content-type": "application/json" } });
    const thread = (await (await post("/threads", {})).json()) as { thread_id: string };
    const run = (await (await post(`/threads/${thread.thread_id}/runs`, { assistant_id: "slow", input: {}, config: { configurable: { steps: 20, delayMs: 150 } } })).json()) as { run_id: string };
    await eventually(async () => expect((await runtime.deps.storage.runs.get(thread.thread_id, run.run_id))?.status).toBe("running"));
    await new Promise((resolve) => setTimeout(resolve, 500));

    // Down long enough that the run is handed back while Redis is still away (the queue cannot take it back then).
    await redis.kill();
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    redis = await startRedisServer(redis.port, PERSISTENT, redis.dir);

    await eventually(async () => expect((await runtime.deps.storage.runs.get(thread.thread_id, run.run_id))?.status).toBe("success"), 40_000, 200);
    const state = (await (await app.request(`/threads/${thread.thread_id}/state`)).json()) as { values: { count: number } };
    expect(state.values.count).toBe(20);
  }, 60_000);
});
