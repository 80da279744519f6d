/**
 * LangSmith links for the CLI: after a traced run, the URL of each run segment (the first
 * run and every resume), or its id and project when the link cannot be looked up.
 */
import type { Env } from "../lib/env.js";
import { langsmithRunUrl } from "../tracing/index.js";

/** Lines naming the LangSmith trace of each run id. */
export async function traceLinks(env: Env, runIds: readonly string[]): Promise<string[]> {
  const project = env.LANGSMITH_PROJECT ?? "default";
  const lines: string[] = [];
  for (const runId of runIds) {
    try {
      lines.push(`LangSmith trace: ${await langsmithRunUrl(env, runId)}`);
    } catch (error) {
      lines.push(`LangSmith trace: run ${runId} in project "${project}" (link lookup failed: ${(error as Error).message})`);
    }
  }
  return lines;
}
