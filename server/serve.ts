/**
 * One whole server process: builds the runtime, starts the in-process run workers, serves the
 * API and drains on SIGTERM/SIGINT. Loaded by server/main.ts only in a process that serves, so a
 * SERVER_PROCESSES primary, which only supervises, never imports the app.
 */
import type { Env } from "../lib/env.js";
import { ConfigError } from "../lib/errors.js";
import type { Logger } from "../lib/logger.js";
import { createApp } from "./app.js";
import { serveApp } from "./http/listen.js";
import { isForkedServer, reportListening } from "./cluster.js";
import { isDistributed } from "./execution/queue/index.js";
import type { LanggraphConfig } from "./graphs/config.js";
import { buildServerRuntime } from "./runtime.js";
import { stopSignals } from "./shutdown.js";
import { startRunWorkers } from "./execution/consumers/start.js";
import { installLibraryWorkarounds } from "../lib/workarounds.js";

/** Where and what one server process serves. */
export interface ServeOptions {
  host: string;
  port: number;
  /** The langgraph.json, already read (its env loaded) by server/main.ts. */
  config: LanggraphConfig;
  /** Whether `host` is a loopback address (Studio's origins are then allowed by default). */
  loopback: boolean;
}

/** Runs one server process until it is stopped. */
export async function serveProcess(env: Env, logger: Logger, options: ServeOptions): Promise<void> {
  installLibraryWorkarounds();
  const { host, port } = options;
  const runtime = await buildServerRuntime(env, logger, { config: options.config, loopback: options.loopback });
  if (!env.SERVER_API_KEYS && !options.config.authPath) runtime.warnings.push("Auth is off (no SERVER_API_KEYS): every caller is the default owner. Only loopback clients can connect.");
  for (const warning of runtime.warnings) logger.warn(warning);
  const { deps } = runtime;
  const signals = stopSignals(logger);
  deps.draining = signals.stopping;
  // In-process workers unless WORKERS=0 (then `npm run worker` processes take the runs from Redis).
  const concurrency = env.WORKERS ?? env.SERVER_RUN_CONCURRENCY;
  if (concurrency === 0 && !isDistributed(deps.queue)) {
    throw new ConfigError("WORKERS=0 needs Redis (REDIS_URL or REDIS_CLUSTER_NODES) so that `npm run worker` processes can take the runs.", { setting: "WORKERS" });
  }
  const workers = await startRunWorkers({ env, redis: runtime.redis, queue: deps.queue, handler: runtime.handler, checkpointer: deps.saver, concurrency, logger });
  deps.workers = workers;
  const app = createApp(deps);
  const server = serveApp(app, { port, hostname: host }, (info) => {
    logger.info({ port: info.port, host, graphs: deps.graphs.ids(), durable: deps.storage.durable }, "switchboard server listening");
    logger.info(`Console: http://${host.includes(":") ? `[${host}]` : host}:${info.port}/console (API docs at /docs)`);
    // One machine-readable line on stdout for scripts and tests that start the server on port 0
    // (with SERVER_PROCESSES, the primary prints it once for all processes).
    if (isForkedServer()) reportListening(`http://${host}:${info.port}`);
    else process.stdout.write(`${JSON.stringify({ listening: `http://${host}:${info.port}` })}\n`);
  });

  server.on("error", (error: NodeJS.ErrnoException) => {
    // e.g. EADDRINUSE: say which address, instead of an unhandled 'error' event stack.
    process.stderr.write(`switchboard server: cannot listen on ${host}:${port}: ${error.code ?? error.message}\n`);
    void workers.close().finally(() => runtime.close().finally(() => process.exit(1)));
  });

  signals.onStop(async (signal) => {
    logger.info({ signal }, "shutting down: no new runs, finishing in-flight runs");
    server.close();
    await workers.close({ drain: true, timeoutMs: env.SERVER_SHUTDOWN_TIMEOUT_MS });
    await runtime.close();
  });
}

