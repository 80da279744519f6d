/**
 * `GET /threads/:thread_id/stream`: the thread-wide stream (server/execution/thread-stream.ts),
 * open until the client leaves or the thread is deleted, with a keep-alive comment while idle
 * (proxies drop silent connections; the SDK's idle watchdog reads the cadence).
 */
import { Hono } from "hono";
import { streamSSE } from "hono/streaming";
import { InvalidInputError } from "../../../lib/errors.js";
import type { AppDeps } from "../../deps.js";
import { uuidParam } from "../../http/validate.js";
import { ownerOf } from "../../middleware/auth.js";
import { followThread, parseThreadCursor, THREAD_STREAM_MODES, type ThreadStreamMode } from "../../execution/thread-stream.js";
import { requireThread, threadGraphId } from "./service.js";

const KEEP_ALIVE_MS = 15_000;

function streamModes(values: string[] | undefined): Set<ThreadStreamMode> {
  const asked = (values ?? []).flatMap((value) => value.split(",")).map((value) => value.trim()).filter(Boolean);
  const unknown = asked.find((mode) => !(THREAD_STREAM_MODES as readonly string[]).includes(mode));
  if (unknown !== undefined) throw new InvalidInputError(`Invalid query stream_mode: '${unknown.slice(0, 64)}' is not a thread stream mode (one of ${THREAD_STREAM_MODES.join(", ")}).`);
  return new Set(asked.length > 0 ? (asked as ThreadStreamMode[]) : ["run_modes"]);
}

/** The thread's state right after one of its runs: the newest checkpoint the run wrote (they carry its run_id). */
async function stateAfterRun(deps: AppDeps, threadId: string, runId: string): Promise<unknown> {
  const thread = await deps.storage.threads.get(threadId);
  const graphId = thread ? threadGraphId(thread) : undefined;
  if (!thread || !graphId || !deps.graphs.has(graphId)) return undefined;
  const config = { configurable: { thread_id: threadId, checkpoint_ns: "" } };
  for await (const snapshot of deps.graphs.get(graphId).graph.getStateHistory(config, { limit: 1, filter: { run_id: runId } })) return (snapshot as { values: unknown }).values;
  return undefined;
}

/** The thread stream route. */
export function threadStreamRoutes(deps: AppDeps): Hono {
  const app = new Hono();
  app.get("/threads/:thread_id/stream", async (c) => {
    const threadId = uuidParam(c, "thread_id");
    const owner = ownerOf(c);
    await requireThread(deps, owner, threadId);
    const modes = streamModes(c.req.queries("stream_mode"));
    const cursor = parseThreadCursor(c.req.header("last-event-id"));
    // The SDK reconnects here with Last-Event-ID when the connection drops.
    c.header("Location", `/threads/${threadId}/stream`);
    return streamSSE(
      c,
      async (stream) => {
        const controller = new AbortController();
        stream.onAbort(() => controller.abort());
        const keepAlive = setInterval(() => {
          void (async () => {
            const thread = await deps.storage.threads.get(threadId).catch(() => "unknown" as const);
            // Deleted (or given to nobody we serve): nothing more will come.
            if (thread === undefined || (thread !== "unknown" && thread.owner !== owner)) return controller.abort();
            await stream.write(": keep-alive\n\n");
          })().catch(() => undefined);
        }, KEEP_ALIVE_MS);
        try {
          const follow = followThread({ ...deps, stateAfterRun: (runId) => stateAfterRun(deps, threadId, runId) }, threadId, { modes, cursor, signal: controller.signal });
          for await (const event of follow) {
            await stream.writeSSE({ id: event.id, event: event.event, data: event.data });
          }
        } finally {
          clearInterval(keepAlive);
        }
      },
      async (error, stream) => {
        deps.logger.warn({ err: error, threadId }, "thread stream failed");
        await stream.writeSSE({ event: "error", data: JSON.stringify({ error: "stream_error", message: "The thread's event stream failed; reconnect with Last-Event-ID to resume." }) });
      },
    );
  });
  return app;
}
