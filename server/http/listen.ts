/**
 * The HTTP listener for the app, with our own handling of request bodies the app did not read
 * to the end (an over-limit body answered 413, a route that ignores its body). @hono/node-server
 * drains such a body for at most 500 ms and then destroys the socket, so a client still
 * uploading slowly gets a connection reset instead of the answer. Here the rest of the body is
 * read and discarded after the response, until the client is done, up to a byte cap or a pause
 * in the upload; only past those is the connection cut.
 */
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { serve, type ServerType } from "@hono/node-server";
import type { Hono } from "hono";

/** How much of an unread body is discarded after the answer before the connection is cut. */
export const DRAIN_CAP_BYTES = 256 * 1024 * 1024;
/** How long a client may pause its upload while its body is being discarded. */
export const DRAIN_IDLE_MS = 15_000;

/**
 * Reads and discards the rest of `request`'s body; cuts the connection past the cap or an idle
 * pause. Counted in bytes the socket read, checked ten times a second: Node's own discarding of
 * a body nobody started to read happens inside its parser and emits no 'data' events.
 */
export function discardRestOfBody(request: IncomingMessage, limits: { capBytes?: number; idleMs?: number } = {}): void {
  const socket = request.socket;
  if (request.readableEnded || request.destroyed || !socket) return;
  const capBytes = limits.capBytes ?? DRAIN_CAP_BYTES;
  const idleMs = limits.idleMs ?? DRAIN_IDLE_MS;
  const start = socket.bytesRead;
  let lastRead = start;
  let lastProgress = Date.now();
  const stop = () => {
    clearInterval(check);
    request.off("end", stop);
    request.off("error", stop);
    socket.off("close", stop);
  };
  const check = setInterval(() => {
    const read = socket.bytesRead;
    if (read !== lastRead) [lastRead, lastProgress] = [read, Date.now()];
    if (read - start > capBytes || Date.now() - lastProgress > idleMs) {
      stop();
      socket.destroy();
    }
  }, Math.min(100, idleMs));
  check.unref();
  request.once("end", stop);
  request.once("error", stop);
  socket.once("close", stop);
  // Like Node's own dump of an unread body: a reader that gave up (the web stream the app did not
  // finish) would pause the request again once its queue is full.
  request.removeAllListeners("data");
  request.resume();
}

/** Serves `app` on `port`/`hostname` (`drain`: limits of discarding unread bodies); `onListening` hears the bound address. */
export function serveApp(app: Hono, options: { port: number; hostname: string; drain?: { capBytes?: number; idleMs?: number } }, onListening?: (info: AddressInfo) => void): ServerType {
  const server = serve({ fetch: app.fetch, port: options.port, hostname: options.hostname, autoCleanupIncoming: false }, onListening);
  (server as Server).on("request", (request: IncomingMessage, response: ServerResponse) => {
    response.once("finish", () => discardRestOfBody(request, options.drain));
  });
  return server;
}
