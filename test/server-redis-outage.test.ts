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
import { startRedisServer, type RedisProcess } from "./support/redis.js";
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
