/**
 * Builds everything a server (or a worker) process runs on: the services the composition root
 * opens (graphs/services.ts: Redis, checkpointer, store, trace store, the project's graph
 * services), and on top of them the server's own: storage, event log, queue, graphs, metrics,
 * run handler. Redis when REDIS_URL or REDIS_CLUSTER_NODES is set, else the embedded in-memory
 * mode. No HTTP here.
 */
import { resolve } from "node:path";
import { currentLanggraphConfig, describeEnvLoad, loadEnvSources, unloadEnvSources, type Env } from "../lib/env.js";
import type { Logger } from "../lib/logger.js";
import type { RedisConnection } from "../lib/redis.js";
import { RedisWatchdog } from "../lib/redis-watchdog.js";
import type { GraphDeps } from "../graphs/index.js";
// Not through graphs/index.ts, which loads every graph: serving another project's langgraph.json must not.
import { openServices } from "../graphs/services.js";
import { ensureSystemAssistants } from "./api/assistants/service.js";
import type { AppDeps } from "./deps.js";
import { nodeVersionWarning, type LanggraphConfig } from "./graphs/config.js";
import { loadGraphs, readLanggraphConfig } from "./graphs/load.js";
import { PROJECT_LANGGRAPH_JSON } from "./graphs/config.js";

export { PROJECT_LANGGRAPH_JSON };
import { GraphRegistry, type ServableGraph } from "./graphs/registry.js";
import { registerSdkLogger } from "./graphs/sdk-logger.js";
import { readOwnSchemas } from "./graphs/own-schemas.js";
import { parseApiKeys } from "./middleware/auth.js";
import { corsPolicy, STUDIO_ORIGINS } from "./middleware/cors.js";
import { loadCustomHttp } from "./http/custom.js";
import { buildGraphUi, describeGraphUi } from "./http/ui.js";
import { loadCustomAuth } from "./middleware/custom-auth.js";
import { createServerMetrics } from "./api/ops/metrics.js";
import { registerCostMetrics } from "./api/traces/index.js";
import { langsmithRunUrl } from "../tracing/index.js";
import { InMemoryRunEventLog } from "./execution/event-log-memory.js";
import { RedisRunEventLog } from "./execution/event-log-redis.js";
import { createRunHandler } from "./execution/handler.js";
import { startThreadTtlSweeper } from "./api/threads/ttl.js";
import { BullMqCronScheduler, BullMqWebhookQueue, createRedisRunQueue } from "./execution/queue/index.js";
import { TimerCronScheduler, type CronScheduler } from "./execution/cron-scheduler.js";
import { fireCron } from "./api/crons/service.js";
import { deliverWebhook, webhookPayload, type RunEnd, type WebhookOptions } from "./execution/webhooks.js";
import { publicRun } from "./api/runs/routes.js";
import { deadLetterRun } from "./execution/dead-letter.js";
import { InProcessRunQueue } from "./execution/in-process-queue.js";
import type { RunHandler, RunJob } from "../lib/contracts/execution.js";
import { createMemoryStorage } from "./records/memory.js";
import { createRedisStorage } from "./records/redis.js";
import type { RunRecord } from "./records/types.js";


/** A built runtime: the app's deps plus the handler and what to close. */
export interface ServerRuntime {
  deps: AppDeps;
  handler: RunHandler;
  /** The process's Redis connection (run workers take their leases on it); undefined in the embedded mode. */
  redis: RedisConnection | undefined;
  /** Start-up notes (embedded mode, auth off, graphs that failed to load). */
  warnings: string[];
  close(): Promise<void>;
}

/** Builds the runtime for a langgraph.json (`configPath`, default the project's). */
export async function buildServerRuntime(
  env: Env,
  logger: Logger,
  options: { configPath?: string; config?: LanggraphConfig; graphDeps?: GraphDeps; name?: string; /** Whether the server listens on loopback only (Studio's CORS default); default true. */ loopback?: boolean; /** Whether to bundle langgraph.json `ui` (a worker serves no HTTP); default true. */ ui?: boolean } = {},
): Promise<ServerRuntime> {
  const warnings: string[] = [];
  const config = options.config ?? (await readLanggraphConfig(options.configPath ?? PROJECT_LANGGRAPH_JSON));
  // First, before anything opens: a component that does not build stops the start with nothing to close.
  if (config.ui && options.ui !== false) logger.info(`Bundling generative UI from ${config.path}: ${Object.entries(config.ui).map(([id, file]) => `${id} ← ${file}`).join(", ")}`);
  const ui = options.ui === false ? undefined : await buildGraphUi(config);
  if (ui) logger.info(describeGraphUi(ui));
  // Given a parsed config, the caller (main) loaded its env before reading Switchboard's; read here,
  // the config's env is loaded now for its graphs, and taken back on close (in-process servers).
  const envLoad = !options.config && config.env ? loadEnvSources([config.env]) : undefined;
  if (envLoad) warnings.push(describeEnvLoad(envLoad));
  const nodeWarning = nodeVersionWarning(config);
  if (nodeWarning) warnings.push(nodeWarning);
  const services = await openServices(env, { logger, name: options.name ?? "switchboard-server", graphDeps: options.graphDeps });
  // Closed last: after the event logs, flushing traces and then the connections.
  const closers: (() => Promise<void>)[] = [() => services.close()];
  if (envLoad) closers.push(async () => unloadEnvSources(envLoad));
  const { redis, checkpointer, memory, traceStore } = services;
  if (!redis) {
    warnings.push("No REDIS_URL: running in the embedded in-memory mode; threads, runs and checkpoints will not survive a restart.");
  }
  const storage = redis ? createRedisStorage(redis, env.REDIS_KEY_PREFIX) : createMemoryStorage();
  // Requests fail fast while Redis is silent (hung or down) instead of waiting for the command timeout.
  const redisWatchdog = redis ? new RedisWatchdog(() => storage.ping(), { deadlineMs: env.SERVER_REDIS_DEADLINE_MS }).start() : undefined;
  if (redisWatchdog) closers.unshift(async () => redisWatchdog.stop());
  const retainMs = env.SERVER_EVENTS_RETAIN_SECONDS * 1000;
  const redisEvents = redis ? new RedisRunEventLog(redis, { keyPrefix: env.REDIS_KEY_PREFIX, retainMs, logger }) : undefined;
  if (redisEvents) closers.unshift(() => redisEvents.close());
  const events = redisEvents ?? new InMemoryRunEventLog(retainMs);
  // With Redis, runs go through the shared queue so any worker process can execute them (server/execution/queue/).
  // A run the queue gives up on (it kept crashing its workers, or kept failing) is dead-lettered, not left "running".
  const deadLetter = (job: RunJob, info: { reason: string; takeovers: number }): Promise<void> =>
    deadLetterRun({ storage, events, queue, logger, counted: (graphId) => metrics.counters.runsDeadLettered.inc({ graph_id: graphId ?? "unknown" }) }, job, info);
  const abandon = (job: RunJob, reason: string): Promise<void> => deadLetter(job, { reason: `The run was dead-lettered after repeated failures of its worker's infrastructure: ${reason}`, takeovers: 0 });
  // Records created by this process and run here: the handler skips reading them back.
  const freshRuns = new Map<string, RunRecord>();
  const runsHere = (job: RunJob) => redisEvents?.expectLocal(job.runId);
  const queue =
    (redis ? createRedisRunQueue(env, { logger, onAbandoned: abandon, onDeadLetter: deadLetter, onLocalRun: runsHere, onQueued: (job) => freshRuns.delete(job.runId), onRequeued: async (job) => redisEvents?.handOff(job.runId) }) : undefined) ??
    new InProcessRunQueue({ onEnqueue: runsHere });

  // The project's own graphs are compiled from the registry with this process's services;
  // other projects never load our agents and tools (imported only here, on demand).
  const registry = resolve(config.path) === resolve(PROJECT_LANGGRAPH_JSON) ? await import("../graphs/index.js") : undefined;
  const graphDeps = registry ? (await services.ownGraphs()).deps : undefined;
  const fromRegistry = (id: string, spec: string): ServableGraph | undefined => {
    const registered = registry?.GRAPHS.find((graph) => graph.id === id);
    if (!registry || !registered || registry.graphEntryPath(id) !== spec) return undefined;
    return registered.createBuilder(graphDeps).compile({ name: id }) as unknown as ServableGraph;
  };
  // Before any graph module runs: a graph may call getLogger() at import time.
  registerSdkLogger(logger);
  const loaded = await loadGraphs(config, fromRegistry);
  const describe = (id: string) => registry?.GRAPHS.find((entry) => entry.id === id)?.description;
  const ownConfig = registry?.runConfigurableJsonSchema();
  const own = registry ? await readOwnSchemas() : {};
  if (own.stale) warnings.push(`Schemas of our graphs: ${own.stale}; until then they are worked out on first request (slow).`);
  const isOwn = (id: string) => Boolean(registry && registry.GRAPHS.some((entry) => entry.id === id) && registry.graphEntryPath(id) === config.graphs[id]);
  const graphs = new GraphRegistry(
    loaded.graphs.map((graph) => ({ ...graph, ...(describe(graph.id) ? { description: describe(graph.id)! } : {}), ...(ownConfig && isOwn(graph.id) ? { configSchema: ownConfig } : {}), ...(own.schemas?.[graph.id] && isOwn(graph.id) ? { typedSchemas: own.schemas[graph.id] } : {}) })),
    loaded.failures,
  );
  const assistantDefaults = Object.keys(env.LANGGRAPH_CONFIG).length ? env.LANGGRAPH_CONFIG : currentLanggraphConfig();
  graphs.attach(checkpointer.saver, memory.store);
  for (const failure of loaded.failures) warnings.push(`Graph '${failure.id}' failed to load and is not served: ${failure.error}`);
  await ensureSystemAssistants(storage, graphs, assistantDefaults);

  const metrics = createServerMetrics({ depth: () => queue.depth(), deadLetters: () => storage.deadLetters.count() });
  const costs = registerCostMetrics(metrics);
  const tracing = (run: RunRecord) =>
    services.tracing({
      runId: run.run_id,
      threadId: run.kwargs.temporary ? null : run.thread_id,
      graphId: run.kwargs.graph_id,
      owner: run.owner,
      metadata: { client: "server" },
      onFinish: (trace) => costs.record(trace),
    });
  const apiKeys = parseApiKeys(env.SERVER_API_KEYS);
  const http = await loadCustomHttp(config);
  const customAuth = await loadCustomAuth(config, config.disableStudioAuth);
  if (customAuth && env.SERVER_API_KEYS) warnings.push(`Auth: ${config.authPath} from ${config.path} replaces SERVER_API_KEYS.`);
  const envOrigins = env.SERVER_CORS_ORIGINS?.split(",").map((origin) => origin.trim()).filter(Boolean) ?? [];
  const cors = corsPolicy({ envOrigins, ...(config.http?.cors ? { config: config.http.cors } : {}), loopback: options.loopback ?? true });
  if (cors?.source === "Studio default on loopback") warnings.push(`CORS: LangGraph Studio (${STUDIO_ORIGINS.join(", ")}) may call this server; set SERVER_CORS_ORIGINS to change it.`);
  // Crons fire in every process: from BullMQ job schedulers shared through Redis, or from timers here.
  const crons: CronScheduler = env.redis ? new BullMqCronScheduler(env.redis, env.REDIS_KEY_PREFIX, logger) : new TimerCronScheduler();
  closers.unshift(() => crons.close());
  const deps: AppDeps = {
    storage,
    graphs,
    saver: checkpointer.saver,
    store: memory.store,
    events,
    queue,
    logger,
    metrics,
    apiKeys,
    ...(cors ? { cors } : {}),
    ...(http ? { http } : {}),
    ...(ui ? { ui } : {}),
    ...(customAuth ? { customAuth } : {}),
    bodyLimitBytes: env.SERVER_BODY_LIMIT_BYTES,
    mcpTools: env.SERVER_MCP_TOOLS,
    freshRuns,
    traceStore,
    crons,
    ...(redisWatchdog ? { redisWatchdog } : {}),
    ...(env.LANGSMITH_TRACING ? { console: { langsmithRunUrl: (runId: string) => langsmithRunUrl(env, runId) } } : {}),
  };
  await crons.start((cronId, tick) => fireCron(deps, cronId, tick));
  closers.unshift(async () => stopTtlSweeper());
  const stopTtlSweeper = startThreadTtlSweeper(deps, env.SERVER_THREAD_TTL_SWEEP_MS, logger);
  const webhooks: WebhookOptions = {
    allowlist: env.SERVER_WEBHOOK_ALLOWLIST,
    ...(env.SERVER_WEBHOOK_SECRET ? { secret: env.SERVER_WEBHOOK_SECRET } : {}),
    attempts: env.SERVER_WEBHOOK_ATTEMPTS,
    baseDelayMs: env.SERVER_WEBHOOK_RETRY_MS,
    deliveries: metrics.webhookDeliveries,
    logger,
  };
  // With Redis a delivery is a queued job any process retries (it survives this process); else retried here.
  const webhookQueue = env.redis ? new BullMqWebhookQueue(env.redis, env.REDIS_KEY_PREFIX, webhooks) : undefined;
  if (webhookQueue) {
    closers.unshift(() => webhookQueue.close());
    await webhookQueue.start();
  }
  const onRunEnd = (end: RunEnd) => {
    const url = end.run.kwargs.webhook;
    if (!url) return;
    const payload = webhookPayload(end, publicRun);
    void (webhookQueue ? webhookQueue.send(url, end.run.run_id, payload) : deliverWebhook(url, end.run.run_id, payload, webhooks));
  };
  const handler = createRunHandler({ storage, graphs, saver: checkpointer.saver, events, queue, logger, observer: metrics.observer, freshRuns, tracing, onRunEnd });
  return {
    deps,
    handler,
    redis,
    warnings,
    async close() {
      for (const close of closers) await close().catch((error: unknown) => logger.warn({ err: error }, "closing a connection failed"));
    },
  };
}
