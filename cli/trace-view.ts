/**
 * `npm start -- --trace <run id | thread id>`: prints a run's recorded trace as an indented tree
 * (tracing/render.ts) from the configured trace store, or every traced run of a thread (a first
 * run and each resume after an approval), oldest first, so one task reads as one story.
 */
import { renderTrace, openTraceStore } from "../tracing/index.js";
import type { Env } from "../lib/env.js";
import type { Output } from "./render.js";

/** Prints the trace of run `id`, or of every run of thread `id`, from the configured trace store; resolves to the exit code. */
export async function showTrace(env: Env, id: string, out: Output): Promise<number> {
  let store;
  try {
    store = await openTraceStore(env);
  } catch (error) {
    out.info(`switchboard: cannot open the trace store: ${(error as Error).message}`);
    return 1;
  }
  try {
    const key = id.trim();
    const trace = await store.get(key);
    if (trace) {
      out.answer(renderTrace(trace).join("\n"));
      return 0;
    }
    const runIds = (await store.listRuns(key)).reverse();
    const traces = (await Promise.all(runIds.map((runId) => store.get(runId)))).filter((found) => found !== null);
    if (traces.length === 0) {
      out.info(
        store.durable
          ? `switchboard: no trace of a run or thread '${key}' (unknown id, or older than TRACE_RETENTION_HOURS=${env.TRACE_RETENTION_HOURS}).`
          : `switchboard: no trace of '${key}': without REDIS_URL traces are kept in memory only, for the process that ran them. Set REDIS_URL to keep them.`,
      );
      return 1;
    }
    const parts = traces.map((found, index) => [`── run ${index + 1} of ${traces.length} on thread ${key}: ${found.runId}`, ...renderTrace(found)].join("\n"));
    out.answer(parts.join("\n\n"));
    return 0;
  } catch (error) {
    out.info(`switchboard: cannot read the trace: ${(error as Error).message}`);
    return 1;
  } finally {
    await store.close().catch(() => undefined);
  }
}
