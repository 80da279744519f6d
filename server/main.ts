/**
 * `npm run serve [-- --config path/to/langgraph.json] [--port N] [--host H]`: serves the graphs of
 * a langgraph.json over the LangGraph API. PORT, HOST, REDIS_URL and the SERVER_* variables
 * configure it (see .env.example). SIGTERM/SIGINT stop accepting, let in-flight runs finish (up to
 * SERVER_SHUTDOWN_TIMEOUT_MS) and close connections.
 *
 * With SERVER_PROCESSES above 1 this process only supervises (server/cluster.ts): it imports the
 * app (server/serve.ts) only when it serves itself, so the primary stays small.
 */
import { parseArgs } from "node:util";
import ipaddr from "ipaddr.js";
import { describeEnvLoad, getEnv, loadEnvSources } from "../lib/env.js";
import { ConfigError } from "../lib/errors.js";
import { createLogger } from "../lib/logger.js";
import { isForkedServer, serverProcesses, superviseServers } from "./cluster.js";
import { PROJECT_LANGGRAPH_JSON, readLanggraphConfig } from "./graphs/config.js";

function isLoopback(host: string): boolean {
  if (host === "localhost") return true;
  return ipaddr.isValid(host) && ipaddr.process(host).range() === "loopback";
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { config: { type: "string" }, port: { type: "string" }, host: { type: "string" } }, allowPositionals: false });
  // The langgraph.json first: its `env` (then ./.env) fills what the real environment leaves unset.
  const config = await readLanggraphConfig(values.config ?? PROJECT_LANGGRAPH_JSON);
  const envLoad = loadEnvSources([...(config.env ? [config.env] : []), { file: ".env" }]);
  const env = getEnv();
  const logger = createLogger({ name: "server", level: env.LOG_LEVEL });
  logger.info(describeEnvLoad(envLoad));
  const host = values.host ?? env.HOST;
  const port = values.port !== undefined ? Number(values.port) : env.PORT;
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new ConfigError(`--port must be 0-65535, got '${values.port}'.`, { setting: "PORT" });
  if (!env.SERVER_API_KEYS && !config.authPath && !isLoopback(host)) {
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

  // Only a process that serves loads the app (server/serve.ts); a supervising primary stays small.
  const { serveProcess } = await import("./serve.js");
  await serveProcess(env, logger, { host, port, config, loopback: isLoopback(host) });
}

main().catch((error: unknown) => {
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`switchboard server: ${message}\n`);
  process.exit(1);
});
