/**
 * `npm run worker [-- --config path/to/langgraph.json]`: a process that only executes runs. It
 * builds the same runtime as `npm run serve` (graphs from the same langgraph.json, the same
 * REDIS_URL / REDIS_CLUSTER_NODES) without the HTTP API, and takes runs from the Redis queue,
 * WORKER_CONCURRENCY at a time. SIGTERM/SIGINT drain it: in-flight runs may finish for up to
 * SERVER_SHUTDOWN_TIMEOUT_MS, then they are handed back to other workers. WORKER_HEALTH_PORT
 * serves /health and /ready.
 */
import { parseArgs } from "node:util";
import { describeEnvLoad, getEnv, loadEnvSources } from "../lib/env.js";
import { ConfigError } from "../lib/errors.js";
import { createLogger } from "../lib/logger.js";
import { checkReadiness, serveWorkerHealth } from "./api/ops/health.js";
import { isDistributed } from "./execution/queue/index.js";
import { readLanggraphConfig } from "./graphs/config.js";
import { buildServerRuntime, PROJECT_LANGGRAPH_JSON } from "./runtime.js";
import { stopSignals } from "./shutdown.js";
import { startRunWorkers } from "./execution/consumers/start.js";
import { installLibraryWorkarounds } from "../lib/workarounds.js";

async function main(): Promise<void> {
  installLibraryWorkarounds();
  const { values } = parseArgs({ options: { config: { type: "string" } }, allowPositionals: false });
  // The same loading as `npm run serve`: the langgraph.json's env, then ./.env, under the real environment.
  const config = await readLanggraphConfig(values.config ?? PROJECT_LANGGRAPH_JSON);
  const envLoad = loadEnvSources([...(config.env ? [config.env] : []), { file: ".env" }]);
  const env = getEnv();
  const logger = createLogger({ name: "worker", level: env.LOG_LEVEL });
  logger.info(describeEnvLoad(envLoad));
  if (!env.redis) {
    throw new ConfigError("npm run worker needs Redis: set REDIS_URL (or REDIS_CLUSTER_NODES) to the Redis the API processes use.", { setting: "REDIS_URL" });
  }
  const runtime = await buildServerRuntime(env, logger, { name: "switchboard-worker", config, ui: false });
  for (const warning of runtime.warnings) logger.warn(warning);
  const { deps } = runtime;
  if (!isDistributed(deps.queue)) throw new ConfigError("npm run worker needs the Redis run queue.", { setting: "REDIS_URL" });
  const workers = await startRunWorkers({ env, redis: runtime.redis, queue: deps.queue, handler: runtime.handler, checkpointer: deps.saver, concurrency: env.WORKER_CONCURRENCY, logger });
  const signals = stopSignals(logger);
  const health = env.WORKER_HEALTH_PORT ? await serveWorkerHealth(env.WORKER_HEALTH_PORT, () => checkReadiness({ ping: () => deps.storage.ping(), queue: deps.queue, workers, draining: signals.stopping })) : undefined;
  logger.info({ worker: deps.queue.workerId, concurrency: env.WORKER_CONCURRENCY, graphs: deps.graphs.ids() }, "switchboard worker ready");
  // One machine-readable line on stdout for scripts and tests.
  process.stdout.write(`${JSON.stringify({ worker: deps.queue.workerId, concurrency: env.WORKER_CONCURRENCY, ...(health ? { health: `http://127.0.0.1:${env.WORKER_HEALTH_PORT}` } : {}) })}\n`);

  signals.onStop(async (signal) => {
    logger.info({ signal, active: workers.active() }, "draining: no new runs; in-flight runs finish or are handed back");
    await workers.close({ drain: true, timeoutMs: env.SERVER_SHUTDOWN_TIMEOUT_MS });
    health?.close();
    await runtime.close();
  });
}

main().catch((error: unknown) => {
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`switchboard worker: ${message}\n`);
  process.exit(1);
});
