/**
 * What the HTTP app runs on. `main.ts` (and tests) build it; `createApp(deps)` only wires routes.
 */
import type { BaseCheckpointSaver, BaseStore } from "@langchain/langgraph";
import type { Logger } from "../lib/logger.js";
import type { RedisWatchdog } from "../lib/redis-watchdog.js";
import type { GraphRegistry } from "./graphs/registry.js";
import type { ApiKeys } from "./middleware/auth.js";
import type { CorsPolicy } from "./middleware/cors.js";
import type { CustomAuth } from "./middleware/custom-auth.js";
import type { CustomHttp } from "./http/custom.js";
import type { GraphUi } from "./http/ui.js";
import type { ServerMetrics } from "./api/ops/metrics.js";
import type { RunEventLog, RunQueue } from "../lib/contracts/execution.js";
import type { RunRecord, Storage } from "./records/types.js";
import type { WorkerState } from "./execution/consumers/start.js";
import type { TraceStore } from "../tracing/index.js";
import type { CronScheduler } from "./execution/cron-scheduler.js";

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
  /** langgraph.json `auth.path`: the project's Auth, in place of the API keys. */
  customAuth?: CustomAuth;
  /** The CORS policy (corsPolicy: the variable, langgraph.json, Studio on loopback); undefined = CORS off. */
  cors?: CorsPolicy;
  /** langgraph.json `http`: the project's Hono app, mounted beside the API, and built-in route groups switched off. */
  http?: CustomHttp;
  /** langgraph.json `ui`: each graph's bundled components, served at /ui/:graph; absent = no routes. */
  ui?: GraphUi;
  /** Largest accepted request body, bytes. */
  bodyLimitBytes: number;
  /** Runs created here and enqueued at once, handed to this process's handler without a read back. */
  freshRuns?: Map<string, RunRecord>;
  /** Fires crons (timers in the embedded mode, BullMQ job schedulers with Redis). */
  crons: CronScheduler;
  /** Local traces of runs (GET /threads/:thread_id/runs/:run_id/trace); absent = route not served. */
  traceStore?: TraceStore;
  /** Whether the server is shutting down (new runs are refused with 503). */
  draining?: () => boolean;
  /** Whether Redis answers; requests fail fast with 503 while it does not (absent: embedded mode). */
  redisWatchdog?: RedisWatchdog;
  /** The web console's options (LangSmith links when tracing is on); absent: no links. */
  console?: { langsmithRunUrl?: (runId: string) => Promise<string> };
  /** Which assistants /mcp offers as tools: every one the caller sees (default), or each graph's built-in one. */
  mcpTools?: "assistants" | "graphs";
  /** This process's run workers, for /health and /ready (none: API only). */
  workers?: WorkerState;
}
