/**
 * API keys mapped to owners (`Authorization: Bearer <key>` or `x-api-key: <key>`). Everything a
 * request touches is scoped to its owner; with auth off every request is the default owner
 * (allowed only on loopback, checked at start-up).
 */
import type { Context, MiddlewareHandler } from "hono";
import { timingSafeEqual } from "node:crypto";
import { DEFAULT_OWNER } from "../../memory/index.js";
import { SwitchboardError } from "../../lib/errors.js";
import { isPublicConsolePath } from "../console/routes.js";

/** API key → owner; undefined = auth off. */
export type ApiKeys = ReadonlyMap<string, string> | undefined;

const PUBLIC_PATHS = new Set(["/ok", "/info", "/openapi.json", "/docs", "/metrics", "/health", "/ready"]);

class UnauthorizedError extends SwitchboardError {
  constructor() {
    super("unauthorized", 401, "Missing or unknown API key: send Authorization: Bearer <key> or x-api-key: <key>.");
  }
}

function presentedKey(c: Context): string | undefined {
  const header = c.req.header("authorization");
  if (header?.toLowerCase().startsWith("bearer ")) return header.slice(7).trim();
  return c.req.header("x-api-key")?.trim();
}

function findOwner(keys: ReadonlyMap<string, string>, presented: string): string | undefined {
  const candidate = Buffer.from(presented);
  for (const [key, owner] of keys) {
    const expected = Buffer.from(key);
    if (expected.length === candidate.length && timingSafeEqual(expected, candidate)) return owner;
  }
  return undefined;
}

/** The owner of the current request. */
export function ownerOf(c: Context): string {
  return (c.get("owner" as never) as string | undefined) ?? DEFAULT_OWNER;
}

/** Middleware: resolves the owner or answers 401. */
export function authenticate(keys: ApiKeys): MiddlewareHandler {
  return async function authenticateRequest(c, next) {
    // Generative UI files are loaded by <script>/<link> tags, which send no key (the reference leaves GET /ui open too).
    // So is the console's page and bundle: the key is typed into the page, then sent with each API call.
    const uiFile = c.req.method === "GET" && (c.req.path.startsWith("/ui/") || isPublicConsolePath(c.req.path));
    if (!keys || PUBLIC_PATHS.has(c.req.path) || c.req.method === "OPTIONS" || uiFile) {
      c.set("owner" as never, DEFAULT_OWNER as never);
      return next();
    }
    const presented = presentedKey(c);
    const owner = presented ? findOwner(keys, presented) : undefined;
    if (!owner) throw new UnauthorizedError();
    c.set("owner" as never, owner as never);
    return next();
  };
}

/** Parses SERVER_API_KEYS (`key:owner,key2:owner2`). */
export function parseApiKeys(value: string | undefined): ApiKeys {
  if (!value) return undefined;
  const keys = new Map<string, string>();
  for (const pair of value.split(",")) {
    const trimmed = pair.trim();
    if (!trimmed) continue;
    const at = trimmed.lastIndexOf(":");
    keys.set(at > 0 ? trimmed.slice(0, at) : trimmed, at > 0 ? trimmed.slice(at + 1) : DEFAULT_OWNER);
  }
  return keys.size > 0 ? keys : undefined;
}
