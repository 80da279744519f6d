/**
 * CORS: SERVER_CORS_ORIGINS when set, else langgraph.json's `http.cors`, else — on loopback —
 * LangGraph Studio's origins, so Studio connects to a fresh `npm run serve` as it does to
 * `langgraph dev`. Off loopback without a setting, no cross-origin caller is allowed.
 */
import type { Context, MiddlewareHandler, Next } from "hono";
import { cors } from "hono/cors";
import type { CorsConfig } from "../graphs/config.js";

/** The origins LangGraph Studio is served from. */
export const STUDIO_ORIGINS = ["https://smith.langchain.com", "https://eu.smith.langchain.com"];

/** The CORS policy in force (undefined = no cross-origin caller is allowed). */
export interface CorsPolicy extends CorsConfig {
  /** Where the policy comes from, said at start. */
  source: "SERVER_CORS_ORIGINS" | "langgraph.json http.cors" | "Studio default on loopback";
}

/** Picks the policy: the variable, then the config, then Studio's origins on loopback. */
export function corsPolicy(options: { envOrigins: string[]; config?: CorsConfig; loopback: boolean }): CorsPolicy | undefined {
  if (options.envOrigins.length > 0) return { source: "SERVER_CORS_ORIGINS", allow_origins: options.envOrigins };
  if (options.config) return { source: "langgraph.json http.cors", ...options.config };
  if (options.loopback) return { source: "Studio default on loopback", allow_origins: STUDIO_ORIGINS };
  return undefined;
}

const DEFAULT_HEADERS = ["Content-Type", "Authorization", "X-Api-Key", "Last-Event-ID", "X-Request-Id", "X-Auth-Scheme"];
const DEFAULT_EXPOSED = ["Content-Location", "X-Request-Id", "X-Pagination-Total", "X-Pagination-Next", "Retry-After"];

/** The CORS middleware for a policy, answering Chrome's private-network preflight too. */
export function corsMiddleware(policy: CorsPolicy): MiddlewareHandler[] {
  const regex = policy.allow_origin_regex ? new RegExp(policy.allow_origin_regex) : undefined;
  const origins = policy.allow_origins ?? ["*"];
  const origin = regex ? (candidate: string) => (regex.test(candidate) ? candidate : undefined) : origins.includes("*") ? "*" : origins;
  const exposed = new Set([...(policy.expose_headers ?? []), ...DEFAULT_EXPOSED]);
  return [
    async function answerPrivateNetworkPreflight(c: Context, next: Next) {
      await next();
      // Chrome asks before a public page (Studio) calls a local server.
      if (c.req.method === "OPTIONS" && c.req.header("access-control-request-private-network") === "true") c.res.headers.set("Access-Control-Allow-Private-Network", "true");
    },
    cors({
      origin,
      allowHeaders: policy.allow_headers ?? DEFAULT_HEADERS,
      exposeHeaders: [...exposed],
      allowMethods: policy.allow_methods ?? ["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"],
      ...(policy.allow_credentials !== undefined ? { credentials: policy.allow_credentials } : {}),
      ...(policy.max_age !== undefined ? { maxAge: policy.max_age } : {}),
    }),
  ];
}
