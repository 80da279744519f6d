/**
 * The Hono app speaking the LangGraph API: middleware, route modules, one error path.
 * `createApp(deps)` does not listen; `main.ts` does.
 */
import { Hono } from "hono";
import { InvalidInputError, SwitchboardError } from "../lib/errors.js";
import { assistantsRoutes } from "./api/assistants/routes.js";
import type { AppDeps } from "./deps.js";
import { createErrorHandler } from "./http/errors.js";
import { accessLog } from "./middleware/access-log.js";
import { authenticate, ownerOf } from "./middleware/auth.js";
import { corsMiddleware } from "./middleware/cors.js";
import { customAuthentication } from "./middleware/custom-auth.js";
import type { AuthLookups } from "./middleware/auth-events.js";
import { resolveAssistantId } from "./api/assistants/service.js";
import { requestId } from "./middleware/request-id.js";
import { redisDeadline } from "./middleware/redis-deadline.js";
import { opsRoutes } from "./api/ops/routes.js";
import { runsRoutes } from "./api/runs/routes.js";
import { deadLetterRoutes } from "./api/dead-letters/routes.js";
import { storeRoutes } from "./api/store/routes.js";
import { cronsRoutes } from "./api/crons/routes.js";
import { threadsRoutes } from "./api/threads/routes.js";
import { traceRoutes } from "./api/traces/index.js";
import { mcpRoutes } from "./api/mcp/routes.js";
import { uiRoutes } from "./http/ui.js";
import { consoleRoutes } from "./console/routes.js";
import { limitBodySize } from "./middleware/body-limit.js";

export type { AppDeps } from "./deps.js";

class PayloadTooLargeError extends SwitchboardError {
  constructor(limit: number) {
    super("payload_too_large", 413, `The request body is larger than ${limit} bytes.`);
  }
}

/** What a project's auth filters are checked against: the addressed thread's or assistant's metadata. */
function authLookups(deps: AppDeps): AuthLookups {
  return {
    thread: async (id) => (await deps.storage.threads.get(id))?.metadata,
    assistant: async (id) => (await deps.storage.assistants.get(resolveAssistantId(deps.graphs, id)))?.metadata,
  };
}

/** Builds the app on its dependencies. */
export function createApp(deps: AppDeps): Hono {
  const app = new Hono();
  app.use(requestId());
  app.use(accessLog(deps.logger));
  if (deps.cors) app.use(...corsMiddleware(deps.cors));
  app.use(
    limitBodySize(deps.bodyLimitBytes, () => {
      throw new PayloadTooLargeError(deps.bodyLimitBytes);
    }),
  );
  app.use(redisDeadline(deps.redisWatchdog));
  app.use(deps.customAuth ? customAuthentication(deps.customAuth, authLookups(deps)) : authenticate(deps.apiKeys));
  // The project's app goes first, as on `langgraph dev`: its routes win and its middleware wraps ours.
  const http = deps.http;
  if (http?.app) app.route("/", http.app);
  if (!http?.disable_meta) app.route("/", opsRoutes(deps));
  if (!http?.disable_assistants) app.route("/", assistantsRoutes(deps));
  if (!http?.disable_threads) app.route("/", threadsRoutes(deps));
  if (!http?.disable_runs) app.route("/", cronsRoutes(deps));
  // Before the runs routes: /runs/dead_letters/… must not be read as a run id.
  if (!http?.disable_runs) app.route("/", deadLetterRoutes(deps));
  if (!http?.disable_runs) app.route("/", runsRoutes(deps));
  if (!http?.disable_store) app.route("/", storeRoutes(deps));
  // Its tools call the app's own run routes as the caller, through every middleware above.
  if (!http?.disable_mcp) app.route("/", mcpRoutes(deps, async (path, init) => app.request(path, init)));
  if (deps.ui) app.route("/", uiRoutes(deps.ui));
  if (deps.traceStore) {
    const { storage } = deps;
    const canReadRun = async (owner: string, threadId: string, runId: string) => (await storage.runs.get(threadId, runId))?.owner === owner;
    app.route("/", traceRoutes({ traceStore: deps.traceStore, ownerOf, canReadRun }));
  }
  // The web console: a page and its bundle beside the API (its calls go through the API like any client's).
  app.route(
    "/",
    consoleRoutes({
      langsmithRunUrl: deps.console?.langsmithRunUrl,
      canReadRun: async (c, threadId, runId) => (await deps.storage.runs.get(threadId, runId))?.owner === ownerOf(c),
    }),
  );
  app.notFound((c) => c.json({ error: "not_found", message: `No route ${c.req.method} ${c.req.path}.` }, 404));
  app.onError(createErrorHandler(deps.logger));
  return app;
}

/** Kept for callers that validate outside routes. */
export { InvalidInputError };
