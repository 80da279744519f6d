/**
 * The thread-wide stream (`GET /threads/:thread_id/stream`, the SDK's `threads.joinStream`):
 * every run of a thread, one after another in the order they started, for as long as the
 * client stays. Modes (LangGraph Platform's ThreadStreamMode):
 *
 *   run_modes     every event of every run, as its own stream carries it, then `run_done`
 *   lifecycle     each run's `metadata` (it started) and `run_done` (it ended: run id, status)
 *   state_update  `values`: the thread's state right after each run (its last checkpoint)
 *
 * Ids are `<position>:<n>`: the run's place in the thread (the position of its start) and the
 * event's number in the run; `<position>:state` and `<position>:end` for the two events that
 * close a run. Last-Event-ID resumes after one; `-` replays every run still retained.
 */
import { InvalidInputError } from "../../lib/errors.js";
import type { RunEventLog, RunEventsEnd, RunStatus, ThreadRunsFrom } from "../../lib/contracts/execution.js";
import type { Storage } from "../records/types.js";
import { serializeForApi } from "../api/runs/serialize.js";

/** What a client may follow on a thread. */
export const THREAD_STREAM_MODES = ["run_modes", "lifecycle", "state_update"] as const;

/** One of THREAD_STREAM_MODES. */
export type ThreadStreamMode = (typeof THREAD_STREAM_MODES)[number];

/** One event of the thread stream. */
export interface ThreadStreamEvent {
  id: string;
  event: string;
  /** The event's JSON. */
  data: string;
}

/** Where a follower resumes: a run's position and what of it was seen. */
interface ThreadCursor {
  position: string;
  seen: number | "state" | "end";
}

/** Parses a Last-Event-ID of the thread stream: undefined (none), "-" (from the first retained run) or a cursor. */
export function parseThreadCursor(header: string | undefined): ThreadCursor | "-" | undefined {
  const value = header?.trim();
  if (!value) return undefined;
  if (value === "-") return "-";
  const match = /^(\d{1,20}-\d{1,20}):(\d{1,15}|state|end)$/.exec(value);
  if (!match) throw new InvalidInputError(`Invalid Last-Event-ID '${value.slice(0, 64)}': the thread stream's ids look like '1718000000000-0:12' (or '-' to replay from the first run).`);
  const seen = match[2]!;
  return { position: match[1]!, seen: seen === "state" || seen === "end" ? seen : Number(seen) };
}

const live = (status: RunStatus | undefined) => status === "pending" || status === "running";

/** Follows a thread's runs from `cursor` until `signal` aborts. */
export async function* followThread(
  deps: {
    events: RunEventLog;
    storage: Pick<Storage, "runs">;
    /** The thread's state right after a run (undefined when none is left, e.g. rolled back). */
    stateAfterRun(runId: string): Promise<unknown>;
  },
  threadId: string,
  options: { modes: ReadonlySet<ThreadStreamMode>; cursor: ThreadCursor | "-" | undefined; signal: AbortSignal },
): AsyncGenerator<ThreadStreamEvent> {
  const { events, storage } = deps;
  const { modes, cursor, signal } = options;
  const runStatus = async (runId: string) => (await storage.runs.get(threadId, runId))?.status;
  let from: ThreadRunsFrom = "first";
  if (cursor && cursor !== "-") from = { at: cursor.position };
  else if (!cursor) {
    // No id: from the start of the run executing now, if any, then every later run.
    const latest = await events.latestThreadRun(threadId);
    if (latest) from = live(await runStatus(latest.runId)) ? { at: latest.position } : { after: latest.position };
  }
  const followed = new Set<string>();
  for await (const { position, runId } of events.threadRuns(threadId, { from, signal })) {
    // A run taken over by another worker is listed again: follow it once.
    if (followed.has(runId)) continue;
    followed.add(runId);
    const seen = cursor && cursor !== "-" && cursor.position === position ? cursor.seen : undefined;
    let end: RunEventsEnd = {};
    if (seen === undefined || typeof seen === "number") {
      const forward = modes.has("run_modes") || modes.has("lifecycle");
      // Only its end matters to state_update: read from now on.
      const after = forward ? seen : "now";
      const isLive = async () => live(await runStatus(runId));
      for await (const event of events.read(runId, { ...(after !== undefined ? { after } : {}), signal, isLive, onEnd: (value) => (end = value) })) {
        if (modes.has("run_modes") || (modes.has("lifecycle") && event.event === "metadata")) {
          yield { id: `${position}:${event.id}`, event: event.event, data: event.raw ?? serializeForApi(event.data) };
        }
      }
    }
    if (signal.aborted) return;
    if (modes.has("state_update") && seen !== "state" && seen !== "end") {
      const values = await deps.stateAfterRun(runId);
      if (values !== undefined) yield { id: `${position}:state`, event: "values", data: serializeForApi(values) };
    }
    if ((modes.has("run_modes") || modes.has("lifecycle")) && seen !== "end") {
      const status = end.status ?? (await runStatus(runId)) ?? "interrupted";
      yield { id: `${position}:end`, event: "run_done", data: JSON.stringify({ run_id: runId, status }) };
    }
  }
}
