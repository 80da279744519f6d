/**
 * Requests fail fast while Redis does not answer (hung or down): 503 with Retry-After within the
 * deadline (SERVER_REDIS_DEADLINE_MS), the same answer a dead Redis gets, instead of waiting for
 * the 30 s command timeout. Work already started is left to finish; a route that must not act
 * after its caller was told 503 (creating a run) reads `requestAbandoned(c)`.
 */
import type { Context, Next } from "hono";
import type { RedisWatchdog } from "../../lib/redis-watchdog.js";

/** Paths that answer without Redis (liveness) or report on it themselves (readiness). */
const EXEMPT = new Set(["/ok", "/health", "/ready", "/info", "/openapi.json", "/docs"]);
const SIGNAL_KEY = "redisDeadlineSignal";

/** The middleware; a no-op without a watchdog (embedded mode). */
export function redisDeadline(watchdog: RedisWatchdog | undefined) {
  return async function failFastWhileRedisIsSilent(c: Context, next: Next): Promise<void> {
    if (!watchdog || EXEMPT.has(c.req.path)) return next();
    const controller = new AbortController();
    c.set(SIGNAL_KEY as never, controller.signal as never);
    await watchdog.guard(next(), `${c.req.method} ${c.req.path}`, controller);
  };
}

/** Aborted once the request was answered 503 because Redis went silent. */
export function requestAbandoned(c: Context): AbortSignal | undefined {
  return c.get(SIGNAL_KEY as never) as AbortSignal | undefined;
}
