/** Operations routes: /ok, /info, /metrics, /openapi.json, /docs. */
import { Hono } from "hono";
import type { AppDeps } from "../../deps.js";
import { healthRoutes } from "./health.js";
import { DOCS_HTML, openApiDocument } from "./openapi.js";

/** Server version reported by /info and the OpenAPI document. */
export const SERVER_VERSION = "0.1.0";

/** The operations routes. */
export function opsRoutes(deps: AppDeps): Hono {
  const app = new Hono();
  app.get("/ok", async (c) => {
    if (c.req.query("check_db") === "1" || c.req.query("check_db") === "true") await deps.storage.ping();
    return c.json({ ok: true });
  });
  app.get("/info", (c) =>
    c.json({
      version: SERVER_VERSION,
      langgraph_js_version: "1.7.3",
      context: "js",
      flags: { assistants: true, crons: false, langsmith: false, langsmith_tracing_replicas: false },
      switchboard: { durable: deps.storage.durable, graphs: deps.graphs.ids(), auth: deps.apiKeys !== undefined },
    }),
  );
  app.get("/metrics", async (c) => c.body(await deps.metrics.registry.metrics(), 200, { "Content-Type": deps.metrics.registry.contentType }));
  app.route("/", healthRoutes(deps));
  app.get("/openapi.json", (c) => c.json(openApiDocument(SERVER_VERSION)));
  app.get("/docs", (c) => c.html(DOCS_HTML));
  return app;
}
