/**
 * A run's events over SSE: where a reader starts (Last-Event-ID), which modes it asked for on
 * join, and the response itself (`id:` = the event's number in its run).
 */
import type { Context } from "hono";
import { streamSSE } from "hono/streaming";
import { InvalidInputError } from "../../../lib/errors.js";
import type { EventCursor } from "../../../lib/contracts/execution.js";
import type { AppDeps } from "../../deps.js";
import { STREAM_MODES, streamModeOf } from "../../execution/stream-modes.js";
import { cancelRun, isRunLive } from "./service.js";
import { serializeForApi } from "./serialize.js";

/**
 * Where a reader resumes from its Last-Event-ID: after event `n` ("-1" = from the first event);
 * none = from the first event. Like the reference server, an id that is not a number means
 * "only events from now on".
 */
export function eventCursor(c: Context): EventCursor | undefined {
  const header = c.req.header("last-event-id")?.trim();
  if (!header) return undefined;
  return /^-?\d{1,15}$/.test(header) && Number(header) >= -1 ? Number(header) : "now";
}

/**
 * The event filter for a join's `stream_mode` (repeated query parameter): undefined = every
 * event. The modes must be ones the run was created with (Platform contract: a subset).
 */
export function joinFilter(c: Context, runModes: readonly string[]): ((event: string) => boolean) | undefined {
  const asked = (c.req.queries("stream_mode") ?? []).flatMap((value) => value.split(",")).map((value) => value.trim()).filter(Boolean);
  if (asked.length === 0) return undefined;
  const unknown = asked.filter((mode) => !(STREAM_MODES as readonly string[]).includes(mode));
  if (unknown.length > 0) throw new InvalidInputError(`Invalid query stream_mode: '${unknown[0]!.slice(0, 64)}' is not a stream mode (one of ${STREAM_MODES.join(", ")}).`);
  const missing = asked.filter((mode) => !runModes.includes(mode));
  if (missing.length > 0) {
    throw new InvalidInputError(`stream_mode must be a subset of the run's stream modes (${runModes.join(", ")}); '${missing[0]}' was not requested when the run was created.`);
  }
  const modes = new Set(asked);
  return (event) => {
    const mode = streamModeOf(event);
    return mode === undefined || modes.has(mode);
  };
}

/** Streams a run's events as SSE (with `Location` for the SDK's reconnect). */
export function streamRun(
  c: Context,
  deps: AppDeps,
  threadId: string,
  runId: string,
  options: { after?: EventCursor; cancelOnDisconnect?: boolean; keep?: (event: string) => boolean },
): Response {
  // The SDK reconnects here with Last-Event-ID when the connection drops before the run ends.
  c.header("Location", threadId === runId ? `/runs/${runId}/stream` : `/threads/${threadId}/runs/${runId}/stream`);
  return streamSSE(
    c,
    async (stream) => {
      const controller = new AbortController();
      stream.onAbort(() => {
        controller.abort();
        if (options.cancelOnDisconnect) void cancelRun(deps, threadId, runId, "interrupt", { ignoreMissing: true }).catch(() => undefined);
      });
      const events = deps.events.read(runId, { ...(options.after !== undefined ? { after: options.after } : {}), signal: controller.signal, isLive: () => isRunLive(deps, threadId, runId) });
      for await (const event of events) {
        if (options.keep && !options.keep(event.event)) continue;
        await stream.writeSSE({ id: event.id, event: event.event, data: event.raw ?? serializeForApi(event.data) });
      }
    },
    async (error, stream) => {
      deps.logger.warn({ err: error, runId }, "run stream failed");
      await stream.writeSSE({ event: "error", data: JSON.stringify({ error: "stream_error", message: "The run's event stream failed; reconnect with Last-Event-ID to resume." }) });
    },
  );
}
