/**
 * Turns failures below the saver into errors that name the operation, the thread and what
 * to do next. Switchboard's own errors (bad input, corrupt data) pass through unchanged.
 */
import {
  ClientClosedError,
  ClientOfflineError,
  ConnectionTimeoutError,
  ErrorReply,
  ReconnectStrategyError,
  RootNodesUnavailableError,
  SocketClosedUnexpectedlyError,
  SocketTimeoutError,
} from "redis";
import { LeaseLostError, SwitchboardError, UpstreamUnavailableError } from "../../lib/errors.js";

const CONNECTION_ERRORS = [
  ClientClosedError,
  ClientOfflineError,
  ConnectionTimeoutError,
  ReconnectStrategyError,
  RootNodesUnavailableError,
  SocketClosedUnexpectedlyError,
  SocketTimeoutError,
];

/** Whether an error means Redis could not be reached (as opposed to refusing a command). */
export function isConnectionError(error: unknown): boolean {
  if (CONNECTION_ERRORS.some((type) => error instanceof type)) return true;
  const code = (error as { code?: string } | null)?.code;
  return code === "ECONNREFUSED" || code === "ECONNRESET" || code === "EPIPE" || code === "ETIMEDOUT";
}

/** Wraps an error from a saver operation. */
export function toSaverError(operation: string, threadId: string | undefined, error: unknown): Error {
  if (error instanceof SwitchboardError) return error;
  const where = `RedisSaver.${operation}${threadId === undefined ? "" : ` (thread '${threadId}')`}`;
  const detail = error instanceof Error ? error.message : String(error);
  if (isConnectionError(error)) {
    return new UpstreamUnavailableError(
      "redis",
      `RedisSaver.${operation}`,
      `${where} failed: Redis is unreachable (${detail}). Nothing was half-written; once Redis is back, resume the run from its last checkpoint (invoke again with the same thread_id).`,
      { cause: error },
    );
  }
  if (error instanceof ErrorReply && detail.startsWith("FENCED") && threadId !== undefined) {
    return new LeaseLostError(threadId, `${where} refused: this run no longer holds the thread's lease (${detail.slice(7)}). Another worker owns the run now; stop without writing.`, {
      cause: error,
    });
  }
  if (error instanceof ErrorReply) {
    return new UpstreamUnavailableError("redis", `RedisSaver.${operation}`, `${where} failed: Redis refused the command: ${detail}.`, {
      cause: error,
    });
  }
  return error instanceof Error ? error : new Error(`${where} failed: ${detail}`);
}
