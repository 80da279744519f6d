/**
 * The request-body size limit. A declared Content-Length (Node's parser holds the body to it) is
 * judged from the header alone, so a handler then reads the body through @hono/node-server's
 * direct path; hono's own `bodyLimit` looks at `req.raw.body` first, which makes the adapter
 * build a WHATWG Request and a body stream for every request (about 3 % of a trivial run's CPU
 * on the server). A chunked body still goes through hono's `bodyLimit`, which counts as it reads.
 */
import type { MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";

/** Middleware: `tooLarge()` (which throws the 413) for a body over `maxBytes`. */
export function limitBodySize(maxBytes: number, tooLarge: () => never): MiddlewareHandler {
  const counting = bodyLimit({ maxSize: maxBytes, onError: tooLarge });
  return async function limitBody(c, next) {
    if (c.req.method === "GET" || c.req.method === "HEAD") return next();
    const declared = c.req.header("content-length");
    if (declared === undefined || c.req.header("transfer-encoding") !== undefined) return counting(c, next);
    if (Number.parseInt(declared, 10) > maxBytes) tooLarge();
    return next();
  };
}
