/**
 * langgraph.json `auth.path`: the project's `Auth` (@langchain/langgraph-sdk/auth) run as the
 * reference runs it. `authenticate` on every request but /info and the probes (SSE included; a
 * Studio request with `x-auth-scheme: langsmith` is the Studio user unless `disable_studio_auth`),
 * then the `on` handler of the request's resource and action (most specific first:
 * "threads:create", "threads", "*:create", "*"): it may refuse (false → 403, an HTTPException →
 * its status), rewrite the value (metadata written on create, a store namespace), or return a
 * filter on metadata that every read, search and write of the request is held to (a miss is a 404,
 * as for a resource that does not exist). With a custom Auth, its handlers are the access rules:
 * every caller shares one owner, as on `langgraph dev`. Resources are mapped in auth-events.ts.
 */
import type { Context, MiddlewareHandler } from "hono";
import { DEFAULT_OWNER } from "../../memory/index.js";
import { ConfigError, SwitchboardError } from "../../lib/errors.js";
import type { LanggraphConfig } from "../graphs/config.js";
import { importSpec } from "../graphs/load.js";
import { authEventOf, type AuthEvent, type AuthLookups } from "./auth-events.js";
import { filterParts, matchesAuthFilters, type AuthFilters } from "./auth-filters.js";

type Handler = (request: Record<string, unknown>) => unknown;
/** The handlers an `Auth` instance collected. */
export interface CustomAuth {
  authenticate?: (request: Request) => unknown;
  callbacks: Record<string, Handler>;
  disableStudioAuth: boolean;
}
/** The user a request is authenticated as. */
export interface AuthUser {
  identity: string;
  permissions: string[];
  [key: string]: unknown;
}

const STUDIO_USER: AuthUser = { kind: "StudioUser", display_name: "langgraph-studio-user", identity: "langgraph-studio-user", permissions: [], is_authenticated: true };
const OPEN_PATHS = new Set(["/info", "/health", "/ready", "/metrics"]);

class AuthRefusedError extends SwitchboardError {
  constructor(status: number, message: string, readonly headers: Record<string, string> = {}) {
    super(status === 401 ? "unauthorized" : status === 403 ? "forbidden" : "auth_refused", status, message);
  }
}

/** Loads `auth.path`; a ConfigError naming the field when it is not an `Auth`. */
export async function loadCustomAuth(config: LanggraphConfig, disableStudioAuth = false): Promise<CustomAuth | undefined> {
  if (!config.authPath) return undefined;
  let exported: unknown;
  try {
    exported = await importSpec(config.dir, config.authPath);
  } catch (error) {
    throw new ConfigError(`${config.path}: 'auth.path' ${config.authPath} cannot be loaded: ${(error as Error).message}.`, { cause: error, setting: "auth.path" });
  }
  const cache = (exported as { "~handlerCache"?: { authenticate?: CustomAuth["authenticate"]; callbacks?: CustomAuth["callbacks"] } } | null)?.["~handlerCache"];
  if (!cache) throw new ConfigError(`${config.path}: 'auth.path' ${config.authPath} is not an Auth; export \`new Auth()\` from @langchain/langgraph-sdk/auth.`, { setting: "auth.path" });
  return { ...(cache.authenticate ? { authenticate: cache.authenticate } : {}), callbacks: cache.callbacks ?? {}, disableStudioAuth };
}

/** An error a handler threw, as the response the reference gives (its status and headers). */
function refusal(error: unknown): never {
  const candidate = error as { status?: unknown; headers?: Record<string, string>; message?: string };
  if (error && typeof error === "object" && typeof candidate.status === "number" && "headers" in error) {
    throw new AuthRefusedError(candidate.status, candidate.message || "Unauthorized", candidate.headers ?? {});
  }
  throw error;
}

async function authenticateRequest(auth: CustomAuth, request: Request): Promise<AuthUser> {
  if (!auth.authenticate) return { identity: DEFAULT_OWNER, permissions: [], is_authenticated: false, display_name: DEFAULT_OWNER };
  const authenticate = auth.authenticate;
  const response = await (async () => authenticate(request))().catch(refusal);
  if (typeof response === "string") return { identity: response, display_name: response, permissions: [], is_authenticated: true };
  const user = response as Partial<AuthUser> | null;
  if (!user || typeof user.identity !== "string") throw new Error("The project's Auth.authenticate returned neither a string nor an object with an `identity`.");
  const permissions = Array.isArray(user.permissions) ? user.permissions : [];
  return { ...user, identity: user.identity, permissions, is_authenticated: (user.is_authenticated as boolean | undefined) ?? true, display_name: (user.display_name as string | undefined) ?? user.identity };
}

async function authorize(auth: CustomAuth, user: AuthUser, event: AuthEvent): Promise<AuthFilters | undefined> {
  const { resource, action } = event;
  const key = [`${resource}:${action}`, resource, `*:${action}`, "*"].find((candidate) => auth.callbacks[candidate]);
  if (!key) return undefined;
  const handler = auth.callbacks[key]!;
  const result = await (async () => handler({ event: `${resource}:${action}`, resource, action, value: event.value, permissions: user.permissions, user }))().catch(refusal);
  if (result === undefined || result === null || result === true) return undefined;
  if (result === false) throw new AuthRefusedError(403, "Forbidden");
  if (typeof result !== "object") throw new Error(`The project's auth handler for ${resource}:${action} returned ${typeof result}; return a filter object, true/false or nothing.`);
  return result as AuthFilters;
}

/** The authenticated user of a request, when a custom Auth is in force. */
export function authUserOf(c: Context): AuthUser | undefined {
  return c.get("authUser" as never) as AuthUser | undefined;
}

/** Middleware: the project's Auth in place of API keys. */
export function customAuthentication(auth: CustomAuth, lookups: AuthLookups): MiddlewareHandler {
  return async function authenticateWithProjectAuth(c, next) {
    c.set("owner" as never, DEFAULT_OWNER as never);
    if (c.req.method === "OPTIONS" || OPEN_PATHS.has(c.req.path) || (c.req.method === "GET" && c.req.path.startsWith("/ui"))) return next();
    try {
      const studio = !auth.disableStudioAuth && c.req.header("x-auth-scheme") === "langsmith";
      const user = studio ? STUDIO_USER : await authenticateRequest(auth, c.req.raw);
      c.set("authUser" as never, user as never);
      const event = await authEventOf(c);
      if (!event) return next();
      const filters = await authorize(auth, user, event);
      await event.apply?.(user);
      if (filters) {
        const { exact, rest } = filterParts(filters);
        if (event.target) {
          const metadata = await event.target(lookups);
          // A resource the filter hides is reported as missing, never as forbidden.
          if (metadata !== undefined && !matchesAuthFilters(metadata, filters)) throw new AuthRefusedError(404, `${event.resource === "threads" ? "Thread" : "Assistant"} not found.`);
        }
        event.narrowSearch?.(exact);
        if (Object.keys(rest).length && event.narrowSearch) c.set("authPostFilter" as never, rest as never);
      }
      await next();
      const post = c.get("authPostFilter" as never) as AuthFilters | undefined;
      if (post && c.res.headers.get("content-type")?.includes("application/json")) {
        const body = (await c.res.clone().json()) as unknown;
        if (Array.isArray(body)) c.res = new Response(JSON.stringify(body.filter((item: { metadata?: unknown }) => matchesAuthFilters(item.metadata, post))), { status: c.res.status, headers: c.res.headers });
      }
    } catch (error) {
      if (!(error instanceof AuthRefusedError)) throw error;
      for (const [name, value] of Object.entries(error.headers)) c.header(name, value);
      return c.json({ error: error.code, message: error.message }, error.status as 401);
    }
  };
}
