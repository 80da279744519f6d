/**
 * Builds everything a server (or a worker) process runs on: the services the composition root
 * opens (graphs/services.ts: Redis, checkpointer, store, trace store, the project's graph
 * services), and on top of them the server's own: storage, event log, queue, graphs, metrics,
 * run handler. Redis when REDIS_URL or REDIS_CLUSTER_NODES is set, else the embedded in-memory
 * mode. No HTTP here.
 */
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { Env } from "../lib/env.js";
import type { Logger } from "../lib/logger.js";
import type { RedisConnection } from "../lib/redis.js";
import type { GraphDeps } from "../graphs/index.js";
// Not through graphs/index.ts, which loads every graph: serving another project's langgraph.json must not.
import { openServices } from "../graphs/services.js";
import { ensureSystemAssistants } from "./api/assistants/service.js";
import type { AppDeps } from "./deps.js";
import { loadGraphs, readLanggraphConfig } from "./graphs/load.js";
import { GraphRegistry, type ServableGraph } from "./graphs/registry.js";
import { parseApiKeys } from "./middleware/auth.js";
import { createServerMetrics } from "./api/ops/metrics.js";
import { registerCostMetrics } from "./api/traces/index.js";
import { InMemoryRunEventLog } from "./execution/event-log-memory.js";
import { RedisRunEventLog } from "./execution/event-log-redis.js";
import { createRunHandler } from "./execution/handler.js";
import { createRedisRunQueue } from "./execution/queue/index.js";
import { InProcessRunQueue } from "./execution/in-process-queue.js";
import type { RunHandler, RunJob } from "../lib/contracts/execution.js";
import { createMemoryStorage } from "./records/memory.js";
import { createRedisStorage } from "./records/redis.js";
import type { RunRecord } from "./records/types.js";

/** The project's own langgraph.json. */
export const PROJECT_LANGGRAPH_JSON = fileURLToPath(new URL("../langgraph.json", import.meta.url));

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
  options: { configPath?: string; graphDeps?: GraphDeps; name?: string } = {},
): Promise<ServerRuntime> {
  const warnings: string[] = [];
  const services = await openServices(env, { logger, name: options.name ?? "switchboard-server", graphDeps: options.graphDeps });
  // Closed last: after the event logs, flushing traces and then the connections.
  const closers: (() => Promise<void>)[] = [() => services.close()];
  const { redis, checkpointer, memory, traceStore } = services;
  if (!redis) {
    warnings.push("No REDIS_URL: running in the embedded in-memory mode; threads, runs and checkpoints will not survive a restart.");
  }
  const storage = redis ? createRedisStorage(redis, env.REDIS_KEY_PREFIX) : createMemoryStorage();
  const retainMs = env.SERVER_EVENTS_RETAIN_SECONDS * 1000;
  const redisEvents = redis ? new RedisRunEventLog(redis, { keyPrefix: env.REDIS_KEY_PREFIX, retainMs, logger }) : undefined;
  if (redisEvents) closers.unshift(() => redisEvents.close());
  const events = redisEvents ?? new InMemoryRunEventLog(retainMs);
  // With Redis, runs go through the shared queue so any worker process can execute them (server/execution/queue/).
  // A run the queue gives up on (it kept crashing its workers) ends as an error instead of staying "running".
  const abandon = async (job: RunJob, reason: string) => {
    await events.append(job.runId, "error", { error: "RunAbandoned", message: `The run was given up after repeated worker failures: ${reason}` }).catch(() => undefined);
    const next = await storage.runs.finish(job.threadId ?? job.runId, job.runId, { status: "error", threadStatus: "error" });
    await events.finish(job.runId, { status: "error" });
    if (next) await queue.enqueue({ runId: next, threadId: job.threadId, owner: job.owner });
  };
  // Records created by this process and run here: the handler skips reading them back.
  const freshRuns = new Map<string, RunRecord>();
  const runsHere = (job: RunJob) => redisEvents?.expectLocal(job.runId);
  const queue =
    (redis ? createRedisRunQueue(env, { logger, onAbandoned: abandon, onLocalRun: runsHere, onQueued: (job) => freshRuns.delete(job.runId), onRequeued: async (job) => redisEvents?.handOff(job.runId) }) : undefined) ??
    new InProcessRunQueue({ onEnqueue: runsHere });

  const config = await readLanggraphConfig(options.configPath ?? PROJECT_LANGGRAPH_JSON);
  // The project's own graphs are compiled from the registry with this process's services;
  // other projects never load our agents and tools (imported only here, on demand).
  const registry = resolve(config.path) === resolve(PROJECT_LANGGRAPH_JSON) ? await import("../graphs/index.js") : undefined;
  const graphDeps = registry ? (await services.ownGraphs()).deps : undefined;
  const fromRegistry = (id: string, spec: string): ServableGraph | undefined => {
    const registered = registry?.GRAPHS.find((graph) => graph.id === id);
    if (!registry || !registered || registry.graphEntryPath(id) !== spec) return undefined;
    return registered.createBuilder(graphDeps).compile({ name: id }) as unknown as ServableGraph;
  };
  const loaded = await loadGraphs(config, fromRegistry);
  const describe = (id: string) => registry?.GRAPHS.find((entry) => entry.id === id)?.description;
  const graphs = new GraphRegistry(
    loaded.graphs.map((graph) => ({ ...graph, ...(describe(graph.id) ? { description: describe(graph.id)! } : {}) })),
    loaded.failures,
  );
  graphs.attach(checkpointer.saver, memory.store);
  for (const failure of loaded.failures) warnings.push(`Graph '${failure.id}' failed to load and is not served: ${failure.error}`);
  await ensureSystemAssistants(storage, graphs);

  const metrics = createServerMetrics({ depth: () => queue.depth() });
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
    corsOrigins: env.SERVER_CORS_ORIGINS?.split(",").map((origin) => origin.trim()).filter(Boolean) ?? [],
    bodyLimitBytes: env.SERVER_BODY_LIMIT_BYTES,
    freshRuns,
    traceStore,
  };
  const handler = createRunHandler({ storage, graphs, saver: checkpointer.saver, events, queue, logger, observer: metrics.observer, freshRuns, tracing });
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
