/**
 * `npm run serve [-- --config path/to/langgraph.json] [--port N] [--host H]`: serves the graphs of
 * a langgraph.json over the LangGraph API. PORT, HOST, REDIS_URL and the SERVER_* variables
 * configure it (see .env.example). SIGTERM/SIGINT stop accepting, let in-flight runs finish (up to
 * SERVER_SHUTDOWN_TIMEOUT_MS) and close connections.
 */
import { parseArgs } from "node:util";
import ipaddr from "ipaddr.js";
import { getEnv } from "../lib/env.js";
import { ConfigError } from "../lib/errors.js";
import { createLogger } from "../lib/logger.js";
import { createApp } from "./app.js";
import { serveApp } from "./http/listen.js";
import { isForkedServer, reportListening, serverProcesses, superviseServers } from "./cluster.js";
import { isDistributed } from "./execution/queue/index.js";
import { buildServerRuntime } from "./runtime.js";
import { stopSignals } from "./shutdown.js";
import { startRunWorkers } from "./execution/consumers/start.js";

function isLoopback(host: string): boolean {
  if (host === "localhost") return true;
  return ipaddr.isValid(host) && ipaddr.process(host).range() === "loopback";
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { config: { type: "string" }, port: { type: "string" }, host: { type: "string" } }, allowPositionals: false });
  const env = getEnv();
  const logger = createLogger({ name: "server", level: env.LOG_LEVEL });
  const host = values.host ?? env.HOST;
  const port = values.port !== undefined ? Number(values.port) : env.PORT;
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new ConfigError(`--port must be 0-65535, got '${values.port}'.`, { setting: "PORT" });
  if (!env.SERVER_API_KEYS && !isLoopback(host)) {
    throw new ConfigError(`Refusing to serve without API keys on ${host}: set SERVER_API_KEYS (key:owner pairs) or bind HOST to 127.0.0.1.`, { setting: "SERVER_API_KEYS" });
  }

  const processes = serverProcesses(env.SERVER_PROCESSES);
  if (processes > 1 && !isForkedServer()) {
    if (!env.redis) {
      throw new ConfigError("SERVER_PROCESSES above 1 needs Redis (REDIS_URL or REDIS_CLUSTER_NODES): the embedded mode keeps state inside one process.", { setting: "SERVER_PROCESSES" });
    }
    superviseServers(processes, { logger, shutdownTimeoutMs: env.SERVER_SHUTDOWN_TIMEOUT_MS });
    return;
  }

  const runtime = await buildServerRuntime(env, logger, values.config ? { configPath: values.config } : {});
  if (!env.SERVER_API_KEYS) runtime.warnings.push("Auth is off (no SERVER_API_KEYS): every caller is the default owner. Only loopback clients can connect.");
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

main().catch((error: unknown) => {
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`switchboard server: ${message}\n`);
  process.exit(1);
});
