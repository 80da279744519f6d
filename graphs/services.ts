/**
 * The composition root: opens, from the environment, everything a process runs on — one Redis
 * connection shared by the saver, the store, the trace store and the tool catalog's rate limits;
 * checkpointer; long-term memory; trace store; and, for the project's own graphs, the tool
 * catalog, models and GraphDeps. The CLI, the server and the worker all start here, so they
 * cannot disagree about what runs on what.
 *
 * The project's graph services load on the first `ownGraphs()`: a server serving another
 * project's langgraph.json never imports our tools, agents or graphs (this module imports them
 * as types only, and graphs/shared/ on demand).
 */
import type { Env } from "../lib/env.js";
import { silentLogger, type Logger } from "../lib/logger.js";
import { openRedis, type RedisConnection } from "../lib/redis.js";
import { createCheckpointer, openLongTermMemory, type ConfiguredCheckpointer, type LongTermMemory } from "../memory/index.js";
import { createRunTracing, flushTraces, openTraceStore, type RunTracing, type RunTracingOptions, type TraceStore } from "../tracing/index.js";
import type { ToolCatalog } from "../tools/index.js";
import type { GraphDeps } from "./shared/deps.js";

/** How long `close()` waits for traces to reach LangSmith and the trace store. */
const FLUSH_TIMEOUT_MS = 10_000;

/** How long loading the graphs waits for external tool sources; slower ones join when ready. */
const TOOL_SOURCES_WAIT_MS = 10_000;

/** Options of `openServices`. */
export interface ServicesOptions {
  logger?: Logger;
  /** The Redis connection's name in `CLIENT LIST` (default `switchboard`). */
  name?: string;
  /** Replaces parts of the project's graph services (tests: scripted models, fake tools). */
  graphDeps?: GraphDeps;
}

/** The services of the project's own graphs. */
export interface OwnGraphServices {
  /** What to pass to `createBuilder(deps)`: models, tools, memory hooks, skills, knowledge. */
  deps: GraphDeps & Required<Pick<GraphDeps, "models" | "tools">>;
  /** The catalog built from the environment, on the process's Redis (rate limits shared through it). */
  catalog: ToolCatalog;
  /** Field names the graphs' tools mark as secret; `tracing()` always redacts them. */
  secretFields: readonly string[];
}

/** The run a `tracing()` is for: what `createRunTracing` needs besides the process's services. */
export type RunTracingTarget = Omit<RunTracingOptions, "env" | "traceStore" | "secretFields" | "logger">;

/** Everything a process runs on, opened from the environment. */
export interface Services {
  readonly env: Env;
  /** The process's Redis connection, shared by everything here; undefined in the embedded mode. */
  readonly redis: RedisConnection | undefined;
  readonly checkpointer: ConfiguredCheckpointer;
  /** Long-term memory; its `store` is the LangGraph store graphs compile with. */
  readonly memory: LongTermMemory;
  readonly traceStore: TraceStore;
  /** The project's graph services; the first call imports tools, agents and graphs. */
  ownGraphs(): Promise<OwnGraphServices>;
  /** Tracing of one run, on this trace store, redacting the graphs' secret fields. */
  tracing(run: RunTracingTarget): RunTracing;
  /** Flushes traces, then closes what was opened (the Redis connection last). */
  close(): Promise<void>;
}

/** Opens the services of a process: Redis when `env.redis` is set, else the embedded in-memory mode. */
export async function openServices(env: Env, options: ServicesOptions = {}): Promise<Services> {
  const logger = options.logger ?? silentLogger();
  const closers: (() => Promise<void>)[] = [];
  const closeAll = async () => {
    for (const close of closers.splice(0).reverse()) await close().catch((error: unknown) => logger.warn({ err: error }, "closing a service failed"));
  };
  try {
    const redis = await openRedis(env.redis, { name: options.name ?? "switchboard", logger });
    if (redis) closers.push(async () => void (redis.isOpen ? await redis.close() : undefined));
    const checkpointer = await createCheckpointer(env, logger, { redis });
    closers.push(() => checkpointer.close());
    const memory = await openLongTermMemory(env, { logger, redis });
    closers.push(() => memory.close());
    const traceStore = await openTraceStore(env, { logger, redis });
    closers.push(() => traceStore.close());
    // Closed first: what the runs traced reaches LangSmith and the trace store before connections go.
    closers.push(async () => void (await flushTraces({ timeoutMs: FLUSH_TIMEOUT_MS })));

    let own: Promise<OwnGraphServices> | undefined;
    let secretFields: readonly string[] = [];
    const loadOwnGraphs = async (): Promise<OwnGraphServices> => {
      const [{ assembleGraphServices, secretFieldsOf }, { longTermServices }] = await Promise.all([import("./shared/graph-services.js"), import("./shared/long-term.js")]);
      const assembled = assembleGraphServices(env, { redis, knowledge: memory.knowledge, logger });
      const deps = { ...assembled, ...longTermServices(memory), ...options.graphDeps };
      const external = deps.tools === assembled.tools ? assembled.tools.external : undefined;
      if (external) {
        // Closed before the connections below; started now, so the first run already sees their tools.
        closers.push(() => external.close());
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([external.start(), new Promise<void>((resolve) => (timer = setTimeout(resolve, TOOL_SOURCES_WAIT_MS)).unref())]);
        clearTimeout(timer);
        for (const [source, problem] of Object.entries(external.problems())) logger.warn({ source, problem }, "tool source is not running; its tools are not offered");
        const starting = [...external.sources.values()].filter((source) => source.state === "starting").map((source) => source.name);
        if (starting.length > 0) logger.warn({ sources: starting }, "tool sources still starting; their tools are offered once they run");
      }
      secretFields = secretFieldsOf(deps.tools);
      return { deps, catalog: assembled.tools, secretFields };
    };
    return {
      env,
      redis,
      checkpointer,
      memory,
      traceStore,
      ownGraphs: () => (own ??= loadOwnGraphs()),
      // The graphs' tools exist only once ownGraphs() resolved, so their secret fields are known before any of their runs.
      tracing: (run) => createRunTracing({ ...run, env, traceStore, secretFields, logger }),
      close: closeAll,
    };
  } catch (error) {
    await closeAll();
    throw error;
  }
}
