/**
 * What the HTTP app runs on. `main.ts` (and tests) build it; `createApp(deps)` only wires routes.
 */
import type { BaseCheckpointSaver, BaseStore } from "@langchain/langgraph";
import type { Logger } from "../lib/logger.js";
import type { RedisWatchdog } from "../lib/redis-watchdog.js";
import type { GraphRegistry } from "./graphs/registry.js";
import type { ApiKeys } from "./middleware/auth.js";
import type { ServerMetrics } from "./api/ops/metrics.js";
import type { RunEventLog, RunQueue } from "../lib/contracts/execution.js";
import type { RunRecord, Storage } from "./records/types.js";
import type { WorkerState } from "./execution/consumers/start.js";
import type { TraceStore } from "../tracing/index.js";

/** The app's dependencies. */
export interface AppDeps {
  storage: Storage;
  graphs: GraphRegistry;
  saver: BaseCheckpointSaver;
  /** The LangGraph store behind /store routes (scoped per owner there). */
  store: BaseStore;
  events: RunEventLog;
  queue: RunQueue;
  logger: Logger;
  metrics: ServerMetrics;
  /** API key → owner; undefined = auth off. */
  apiKeys: ApiKeys;
  /** Allowed CORS origins ("*" = any); empty = CORS off. */
  corsOrigins: string[];
  /** Largest accepted request body, bytes. */
  bodyLimitBytes: number;
  /** Runs created here and enqueued at once, handed to this process's handler without a read back. */
  freshRuns?: Map<string, RunRecord>;
  /** Local traces of runs (GET /threads/:thread_id/runs/:run_id/trace); absent = route not served. */
  traceStore?: TraceStore;
  /** Whether the server is shutting down (new runs are refused with 503). */
  draining?: () => boolean;
  /** Whether Redis answers; requests fail fast with 503 while it does not (absent: embedded mode). */
  redisWatchdog?: RedisWatchdog;
  /** This process's run workers, for /health and /ready (none: API only). */
  workers?: WorkerState;
}
