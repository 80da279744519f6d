/**
 * `npm start -- --trace <run id>`: prints a run's recorded trace as an indented tree
 * (tracing/render.ts) from the configured trace store.
 */
import { renderTrace, openTraceStore } from "../tracing/index.js";
import type { Env } from "../lib/env.js";
import type { Output } from "./render.js";

/** Prints the trace of `runId` from the configured trace store; resolves to the exit code. */
export async function showTrace(env: Env, runId: string, out: Output): Promise<number> {
  let store;
  try {
    store = await openTraceStore(env);
  } catch (error) {
    out.info(`switchboard: cannot open the trace store: ${(error as Error).message}`);
    return 1;
  }
  try {
    const trace = await store.get(runId.trim());
    if (!trace) {
      out.info(
        store.durable
          ? `switchboard: no trace of run '${runId}' (unknown run id, or older than TRACE_RETENTION_HOURS=${env.TRACE_RETENTION_HOURS}).`
          : `switchboard: no trace of run '${runId}': without REDIS_URL traces are kept in memory only, for the process that ran them. Set REDIS_URL to keep them.`,
      );
      return 1;
    }
    out.answer(renderTrace(trace).join("\n"));
    return 0;
  } catch (error) {
    out.info(`switchboard: cannot read the trace: ${(error as Error).message}`);
    return 1;
  } finally {
    await store.close().catch(() => undefined);
  }
}
