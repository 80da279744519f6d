/**
 * npm run bench:inflight-memory — memory per in-flight run, with caches told apart from run state.
 * The server's runtime and run workers run in this process (as in `npm run serve`) on a private
 * redis-server; heap is measured after a full GC (node --expose-gc) at four points:
 *   H0 runtime built, no run yet;
 *   H1 after WARM runs completed (caches filled: compiled graph, scripts, list and thread caches);
 *   H2 with K runs of the `slow` fixture graph in flight (each waiting inside its node);
 *   H3 after those runs ended.
 * Caches = H1 - H0 (and H3 - H1: what finished runs leave behind); run state = (H2 - H3) / K.
 * Options: --runs K (default 64), --warm N (default 50).
 */
import { randomUUID } from "node:crypto";
import { parseEnv } from "../lib/env.js";
import { silentLogger } from "../lib/logger.js";
import { createApp } from "../server/app.js";
import { startRunWorkers } from "../server/execution/consumers/start.js";
import { buildServerRuntime } from "../server/runtime.js";
import { FIXTURE_CONFIG } from "../test/support/server.js";
import { startPrivateRedis } from "./redis-counting.js";

const flag = (name: string, fallback: number) => {
  const index = process.argv.indexOf(name);
  return index >= 0 ? Number(process.argv[index + 1]) : fallback;
};
const K = flag("--runs", 64);
const WARM = flag("--warm", 50);

const gc = (globalThis as { gc?: () => void }).gc;

async function heapMb(): Promise<number> {
  for (let i = 0; i < 3; i += 1) {
    gc!();
    await new Promise((resolve) => setImmediate(resolve));
  }
  return process.memoryUsage().heapUsed / 1e6;
}

async function main(): Promise<void> {
  if (!gc) throw new Error("run with node --expose-gc (npm run bench:inflight-memory does)");
  const redis = await startPrivateRedis();
  const env = parseEnv({ REDIS_URL: redis.url, REDIS_KEY_PREFIX: `inflight:${randomUUID().slice(0, 8)}:`, SERVER_RUN_CONCURRENCY: String(K + 8), LOG_LEVEL: "silent" });
  const logger = silentLogger();
  const runtime = await buildServerRuntime(env, logger, { configPath: FIXTURE_CONFIG });
  const workers = await startRunWorkers({ env, redis: runtime.redis, queue: runtime.deps.queue, handler: runtime.handler, checkpointer: runtime.deps.saver, concurrency: K + 8, logger });
  runtime.deps.workers = workers;
  const app = createApp(runtime.deps);
  const call = async (path: string, body: unknown) => {
    const response = await app.request(path, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
    if (response.status >= 300) throw new Error(`${path} answered ${response.status}: ${await response.text()}`);
    return (await response.json()) as Record<string, unknown>;
  };
  const thread = async () => String((await call("/threads", {})).thread_id);
  try {
    const h0 = await heapMb();
    for (let i = 0; i < WARM; i += 1) {
      await call(`/threads/${await thread()}/runs/wait`, { assistant_id: "slow", input: { label: "warm" }, config: { configurable: { steps: 2, delayMs: 1 } } });
    }
    const h1 = await heapMb();
    const threads = await Promise.all(Array.from({ length: K }, thread));
    const runs = await Promise.all(
      threads.map((threadId) => call(`/threads/${threadId}/runs`, { assistant_id: "slow", input: { label: "held" }, config: { configurable: { steps: 3, delayMs: 4_000 } } })),
    );
    // Every run inside its first tick: running, with its first checkpoint written.
    for (let waited = 0; waited < 100; waited += 1) {
      const statuses = await Promise.all(runs.map(async (run) => (await (await app.request(`/threads/${run.thread_id}/runs/${run.run_id}`)).json()) as { status: string }));
      if (statuses.every((run) => run.status === "running")) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
    const h2 = await heapMb();
    await Promise.all(runs.map((run) => app.request(`/threads/${run.thread_id}/runs/${run.run_id}/join`)));
    const h3 = await heapMb();
    console.log(`\nbench:inflight-memory — ${K} runs of the slow fixture graph in flight, ${WARM} warm-up runs; heap used after full GC\n`);
    console.log("| point | heap MB |\n|---|---:|");
    console.log(`| H0 runtime built | ${h0.toFixed(1)} |\n| H1 after ${WARM} warm runs | ${h1.toFixed(1)} |\n| H2 ${K} runs in flight | ${h2.toFixed(1)} |\n| H3 after they ended | ${h3.toFixed(1)} |`);
    console.log(`\ncaches filled by the first runs (H1 - H0): ${(h1 - h0).toFixed(1)} MB; left by ${K} more finished runs (H3 - H1): ${(h3 - h1).toFixed(1)} MB`);
    console.log(`run state per in-flight run ((H2 - H3) / ${K}): ${(((h2 - h3) / K) * 1000).toFixed(0)} KB`);
    console.log(`RSS now: ${(process.memoryUsage().rss / 1e6).toFixed(0)} MB`);
  } finally {
    await workers.close();
    await runtime.close();
    await redis.dispose();
  }
}

await main();
