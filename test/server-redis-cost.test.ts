/**
 * What one run through the server costs on Redis (issue 20), pinned so it cannot creep back:
 * runs/wait of the trivial 3-node graph on a thread, through the same workers `npm run serve`
 * starts (thread lease, local run registry, tracing), counted with MONITOR on a private
 * redis-server. At issue 20's start a run cost 29 commands in 13 round trips; the event log's
 * batches, the lease released by the finish script, the start listed by markRunning, the trace
 * saved and indexed by one script and the registry's batched removals brought it to about 14.5
 * in 12 (7 of them the checkpointer's, as for the graph invoked in-process).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Hono } from "hono";
import { parseEnv } from "../lib/env.js";
import { silentLogger } from "../lib/logger.js";
import { createApp } from "../server/app.js";
import { startRunWorkers, type WorkerState } from "../server/execution/consumers/start.js";
import { buildServerRuntime, type ServerRuntime } from "../server/runtime.js";
import { countRedisCost } from "./support/redis-cost.js";
import { startPrivateRedis, type RedisProcess } from "./support/redis.js";
import { FIXTURE_CONFIG } from "./support/server.js";

const RUNS = 6;
const JSON_HEADERS = { "content-type": "application/json" };

describe("Redis cost of a server run", () => {
  let redis: RedisProcess;
  let runtime: ServerRuntime;
  let workers: WorkerState;
  let app: Hono;

  beforeAll(async () => {
    redis = await startPrivateRedis();
    const env = parseEnv({ REDIS_URL: redis.url, REDIS_KEY_PREFIX: "cost:", WORKSPACE_DIR: "./workspace/test-server" });
    runtime = await buildServerRuntime(env, silentLogger(), { configPath: FIXTURE_CONFIG });
    workers = await startRunWorkers({ env, redis: runtime.redis, queue: runtime.deps.queue, handler: runtime.handler, checkpointer: runtime.deps.saver, concurrency: 2, logger: silentLogger() });
    app = createApp(runtime.deps);
  });
  afterAll(async () => {
    await workers?.close();
    await runtime?.close();
    await redis?.stop();
  });

  it("costs at most 16 commands and 13 round trips per runs/wait (29 and 13 before issue 20)", async () => {
    const thread = (await (await app.request("/threads", { method: "POST", headers: JSON_HEADERS, body: "{}" })).json()) as { thread_id: string };
    const body = JSON.stringify({ assistant_id: "trivial", input: { n: 1 } });
    const run = async () => {
      const response = await app.request(`/threads/${thread.thread_id}/runs/wait`, { method: "POST", headers: JSON_HEADERS, body });
      expect(response.status).toBe(200);
    };
    // Warm-up: scripts loaded, connections open.
    for (let i = 0; i < 2; i++) await run();
    const cost = await countRedisCost(redis, async () => {
      for (let i = 0; i < RUNS; i++) await run();
    });
    const perRun = (n: number) => n / RUNS;
    // Background commands (watchdog PINGs, the registry's renewals) are not the run's.
    const background = cost.byCommand.filter(([name]) => name === "ping" || name === "zrangebyscore").reduce((sum, [, n]) => sum + n, 0);
    const summary = `${cost.byCommand.map(([name, n]) => `${name} ${perRun(n).toFixed(2)}`).join(", ")}; ${perRun(cost.roundTrips).toFixed(2)} round trips`;
    expect(perRun(cost.commands - background), summary).toBeLessThanOrEqual(16);
    expect(perRun(cost.roundTrips), summary).toBeLessThanOrEqual(13);
    const count = (name: string) => cost.byCommand.find(([command]) => command === name)?.[1] ?? 0;
    // Events go in the event log's scripts, the thread's start list in markRunning's: no XADD of their own.
    expect(count("xadd"), summary).toBe(0);
    // The trace is saved and indexed by one script on a single node: no SET of its own.
    expect(count("set"), summary).toBe(0);
    // Ended runs leave the local run registry in batches, not with a ZREM each.
    expect(perRun(count("zrem")), summary).toBeLessThan(1);
  }, 60_000);
});
