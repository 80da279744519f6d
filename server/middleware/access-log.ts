/** One structured log line per request (method, path, status, ms, request id, owner). */
import type { MiddlewareHandler } from "hono";
import type { Logger } from "../../lib/logger.js";

/** Middleware: logs each request at debug (errors at warn) so production logs stay small. */
export function accessLog(logger: Logger): MiddlewareHandler {
  return async function logRequest(c, next) {
    const started = performance.now();
    await next();
    const status = c.res.status;
    if (!logger.isLevelEnabled(status >= 500 ? "warn" : "debug")) return;
    const entry = {
      requestId: c.get("requestId" as never),
      method: c.req.method,
      path: c.req.path,
      status,
      ms: Math.round((performance.now() - started) * 10) / 10,
    };
    if (status >= 500) logger.warn(entry, "request");
    else logger.debug(entry, "request");
  };
}
