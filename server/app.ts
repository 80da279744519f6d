/**
 * The Hono app speaking the LangGraph API: middleware, route modules, one error path.
 * `createApp(deps)` does not listen; `main.ts` does.
 */
import { Hono, type Context, type Next } from "hono";
import { bodyLimit } from "hono/body-limit";
import { cors } from "hono/cors";
import { InvalidInputError, SwitchboardError } from "../lib/errors.js";
import { assistantsRoutes } from "./api/assistants/routes.js";
import type { AppDeps } from "./deps.js";
import { createErrorHandler } from "./http/errors.js";
import { accessLog } from "./middleware/access-log.js";
import { authenticate, ownerOf } from "./middleware/auth.js";
import { requestId } from "./middleware/request-id.js";
import { redisDeadline } from "./middleware/redis-deadline.js";
import { opsRoutes } from "./api/ops/routes.js";
import { runsRoutes } from "./api/runs/routes.js";
import { deadLetterRoutes } from "./api/dead-letters/routes.js";
import { storeRoutes } from "./api/store/routes.js";
import { threadsRoutes } from "./api/threads/routes.js";
import { traceRoutes } from "./api/traces/index.js";

export type { AppDeps } from "./deps.js";

class PayloadTooLargeError extends SwitchboardError {
  constructor(limit: number) {
    super("payload_too_large", 413, `The request body is larger than ${limit} bytes.`);
  }
}

/** Chrome asks before a public page (Studio) calls a local server: say yes on CORS preflights. */
function allowPrivateNetwork() {
  return async function answerPrivateNetworkPreflight(c: Context, next: Next) {
    await next();
    if (c.req.method === "OPTIONS" && c.req.header("access-control-request-private-network") === "true") {
      c.res.headers.set("Access-Control-Allow-Private-Network", "true");
    }
  };
}

/** Builds the app on its dependencies. */
export function createApp(deps: AppDeps): Hono {
  const app = new Hono();
  app.use(requestId());
  app.use(accessLog(deps.logger));
  if (deps.corsOrigins.length > 0) {
    const any = deps.corsOrigins.includes("*");
    app.use(allowPrivateNetwork());
    app.use(
      cors({
        origin: any ? "*" : deps.corsOrigins,
        allowHeaders: ["Content-Type", "Authorization", "X-Api-Key", "Last-Event-ID", "X-Request-Id"],
        exposeHeaders: ["Content-Location", "X-Request-Id", "X-Pagination-Total", "X-Pagination-Next", "Retry-After"],
        allowMethods: ["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"],
      }),
    );
  }
  app.use(
    bodyLimit({
      maxSize: deps.bodyLimitBytes,
      onError: () => {
        throw new PayloadTooLargeError(deps.bodyLimitBytes);
      },
    }),
  );
  app.use(redisDeadline(deps.redisWatchdog));
  app.use(authenticate(deps.apiKeys));
  app.route("/", opsRoutes(deps));
  app.route("/", assistantsRoutes(deps));
  app.route("/", threadsRoutes(deps));
  // Before the runs routes: /runs/dead_letters/… must not be read as a run id.
  app.route("/", deadLetterRoutes(deps));
  app.route("/", runsRoutes(deps));
  app.route("/", storeRoutes(deps));
  if (deps.traceStore) {
    const { storage } = deps;
    const canReadRun = async (owner: string, threadId: string, runId: string) => (await storage.runs.get(threadId, runId))?.owner === owner;
    app.route("/", traceRoutes({ traceStore: deps.traceStore, ownerOf, canReadRun }));
  }
  app.notFound((c) => c.json({ error: "not_found", message: `No route ${c.req.method} ${c.req.path}.` }, 404));
  app.onError(createErrorHandler(deps.logger));
  return app;
}

/** Kept for callers that validate outside routes. */
export { InvalidInputError };
