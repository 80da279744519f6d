/**
 * The server's one error path: app errors carry their status and code; Hono's HTTPExceptions
 * (body limit, …) keep their status; a Redis outage becomes 503 with Retry-After; anything else
 * is logged with the request id and answered with a generic 500. Bodies are `{ error, message }`.
 */
import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import { SwitchboardError, UpstreamUnavailableError } from "../../lib/errors.js";
import type { Logger } from "../../lib/logger.js";
import { isRedisUnavailableError } from "../../lib/redis.js";

/** Whether an error means Redis is unreachable (not a bad command); see lib/redis.ts. */
export const isRedisUnavailable = isRedisUnavailableError;

const STATUS_CODES: Record<number, string> = { 400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found", 405: "method_not_allowed", 409: "conflict", 413: "payload_too_large", 415: "unsupported_media_type", 422: "invalid_input", 503: "unavailable" };

/** Error body and status for any thrown value. */
export function errorResponse(error: unknown): { status: number; body: { error: string; message: string; issues?: unknown }; retryAfter?: number; unexpected: boolean } {
  if (error instanceof SwitchboardError && error.status < 500) {
    const issues = (error as { issues?: unknown[] }).issues;
    return { status: error.status, body: { error: error.code, message: error.message, ...(issues && issues.length > 0 ? { issues } : {}) }, unexpected: false };
  }
  if (isRedisUnavailable(error)) {
    const retryAfter = error instanceof UpstreamUnavailableError ? Math.max(1, Math.ceil(error.retryAfterSeconds)) : 2;
    const message = error instanceof UpstreamUnavailableError && error.upstream !== "redis" ? error.message : "Redis is unreachable or not answering; the server reconnects by itself. Retry shortly.";
    return { status: 503, body: { error: "upstream_unavailable", message }, retryAfter, unexpected: false };
  }
  if (error instanceof HTTPException) {
    const status = error.status;
    return { status, body: { error: STATUS_CODES[status] ?? "http_error", message: error.message || "Request refused." }, unexpected: status >= 500 };
  }
  return { status: 500, body: { error: "internal_error", message: "The server failed unexpectedly; the request id in the response headers identifies the log entry." }, unexpected: true };
}

/** Hono onError handler. */
export function createErrorHandler(logger: Logger) {
  return function handleError(error: Error, c: Context): Response {
    const { status, body, retryAfter, unexpected } = errorResponse(error);
    const requestId = c.get("requestId" as never) as string | undefined;
    if (unexpected) logger.error({ err: error, requestId, path: c.req.path }, "request failed");
    else if (status === 503) logger.warn({ err: error, requestId, path: c.req.path }, "redis unavailable");
    if (retryAfter !== undefined) c.header("Retry-After", String(retryAfter));
    return c.json(body, status as 400);
  };
}
