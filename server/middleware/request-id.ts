/** Every response carries `X-Request-Id` (the caller's, when it sent a sane one). */
import type { MiddlewareHandler } from "hono";
import { randomUUID } from "node:crypto";

const SANE_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** Middleware: sets `requestId` on the context and the response header. */
export function requestId(): MiddlewareHandler {
  return async function assignRequestId(c, next) {
    const incoming = c.req.header("x-request-id");
    const id = incoming && SANE_ID.test(incoming) ? incoming : randomUUID();
    c.set("requestId" as never, id as never);
    c.header("X-Request-Id", id);
    await next();
    c.res.headers.set("X-Request-Id", id);
  };
}
