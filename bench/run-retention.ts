/**
 * npm run bench:run-retention — heap left behind per finished run: the server's runtime and run
 * workers in this process (as `npm run serve` starts them) on a private redis-server, 4 clients
 * sending runs/wait of the trivial graph on their own threads (as bench:soak does); heap used
 * after a full GC once the caches are warm (after --warm runs) and after --runs more. A run
 * that leaves nothing behind shows ≈ 0 KB per run (JIT code still grows a little at first).
 * Options: --warm N (default 400), --runs N (default 1600), --snapshots DIR (write a heap
 * snapshot at both points, to compare in Chrome DevTools; the process stalls while writing).
 */
import { randomUUID } from "node:crypto";
import { join } from "node:path";
import { writeHeapSnapshot } from "node:v8";
import { parseEnv } from "../lib/env.js";
import { silentLogger } from "../lib/logger.js";
import { createApp } from "../server/app.js";
import { startRunWorkers } from "../server/execution/consumers/start.js";
import { buildServerRuntime } from "../server/runtime.js";
import { FIXTURE_CONFIG } from "../test/support/server.js";
import { startPrivateRedis } from "./redis-counting.js";

const flag = (name: string) => {
  const index = process.argv.indexOf(name);
  return index >= 0 ? process.argv[index + 1] : undefined;
};
const WARM = Number(flag("--warm") ?? 400);
const RUNS = Number(flag("--runs") ?? 1600);
const SNAPSHOTS = flag("--snapshots");
const CLIENTS = 4;
const gc = (globalThis as { gc?: () => void }).gc;

async function heapMb(): Promise<number> {
  for (let i = 0; i < 3; i += 1) {
    gc!();
    await new Promise((resolve) => setImmediate(resolve));
  }
  return process.memoryUsage().heapUsed / 1e6;
}

async function snapshot(name: string): Promise<void> {
  if (!SNAPSHOTS) return;
  console.log(`heap snapshot: ${writeHeapSnapshot(join(SNAPSHOTS, name))}`);
  // Writing stalls the event loop for seconds; let the Redis watchdog see answers again.
  await new Promise((resolve) => setTimeout(resolve, 5_000));
}

async function main(): Promise<void> {
  if (!gc) throw new Error("run with node --expose-gc (npm run bench:run-retention does)");
  const redis = await startPrivateRedis();
  const env = parseEnv({ REDIS_URL: redis.url, REDIS_KEY_PREFIX: `retention:${randomUUID().slice(0, 8)}:`, LOG_LEVEL: "silent" });
  const runtime = await buildServerRuntime(env, silentLogger(), { configPath: FIXTURE_CONFIG });
  const workers = await startRunWorkers({ env, redis: runtime.redis, queue: runtime.deps.queue, handler: runtime.handler, checkpointer: runtime.deps.saver, concurrency: 8, logger: silentLogger() });
  runtime.deps.workers = workers;
  const app = createApp(runtime.deps);
  const post = async (path: string, body: unknown) => {
    const response = await app.request(path, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
    if (response.status >= 300) throw new Error(`${path} answered ${response.status}: ${await response.text()}`);
    return (await response.json()) as Record<string, unknown>;
  };
  try {
    const threads = await Promise.all(Array.from({ length: CLIENTS }, async () => String((await post("/threads", {})).thread_id)));
    const runs = async (count: number) => {
      for (let i = 0; i < count; i += CLIENTS) await Promise.all(threads.map((threadId) => post(`/threads/${threadId}/runs/wait`, { assistant_id: "trivial", input: { n: 1 } })));
    };
    await runs(WARM);
    const before = await heapMb();
    await snapshot("warm.heapsnapshot");
    await runs(RUNS);
    const after = await heapMb();
    await snapshot("after.heapsnapshot");
    console.log(`\nbench:run-retention — trivial graph, ${CLIENTS} clients on their own threads; heap used after a full GC`);
    console.log(`after ${WARM} runs: ${before.toFixed(2)} MB; after ${RUNS} more: ${after.toFixed(2)} MB; left behind per run: ${(((after - before) * 1e6) / RUNS / 1024).toFixed(2)} KB`);
  } finally {
    await workers.close();
    await runtime.close();
    await redis.dispose();
  }
}

await main();
