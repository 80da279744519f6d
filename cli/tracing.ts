/**
 * LangSmith links for the CLI: after a traced run, the URL of each run segment (the first
 * run and every resume), or its id and project when the link cannot be looked up.
 */
import { Client } from "langsmith";
import type { Env } from "../lib/env.js";

const LOOKUP_TIMEOUT_MS = 5_000;

/** Lines naming the LangSmith trace of each run id. */
export async function traceLinks(env: Env, runIds: readonly string[]): Promise<string[]> {
  const project = env.LANGSMITH_PROJECT ?? "default";
  const client = new Client({ ...(env.LANGSMITH_ENDPOINT ? { apiUrl: env.LANGSMITH_ENDPOINT } : {}), ...(env.LANGSMITH_API_KEY ? { apiKey: env.LANGSMITH_API_KEY } : {}) });
  const lines: string[] = [];
  for (const runId of runIds) {
    let timer: NodeJS.Timeout | undefined;
    try {
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${LOOKUP_TIMEOUT_MS} ms`)), LOOKUP_TIMEOUT_MS);
      });
      const url = await Promise.race([client.getRunUrl({ runId, projectOpts: { projectName: project } }), timeout]);
      lines.push(`LangSmith trace: ${url}`);
    } catch (error) {
      lines.push(`LangSmith trace: run ${runId} in project "${project}" (link lookup failed: ${(error as Error).message})`);
    } finally {
      clearTimeout(timer);
    }
  }
  return lines;
}
