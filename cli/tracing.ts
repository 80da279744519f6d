/**
 * LangSmith links for the CLI: after a traced run, the URL of each run segment (the first
 * run and every resume), or its id and project when the link cannot be looked up. The link
 * comes from the run's `app_path` (what the client's deprecated `getRunUrl` read), retried
 * briefly because LangSmith ingests asynchronously.
 */
import type { Env } from "../lib/env.js";
import { langsmithClient } from "../agents/index.js";

const LOOKUP_TIMEOUT_MS = 5_000;
const ATTEMPTS = 3;

async function runLink(env: Env, runId: string): Promise<string> {
  const client = langsmithClient(env);
  const apiUrl = (env.LANGSMITH_ENDPOINT ?? "https://api.smith.langchain.com").replace(/\/+$/, "");
  const deadline = AbortSignal.timeout(LOOKUP_TIMEOUT_MS);
  let problem = "no answer";
  for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
    const res = await fetch(`${apiUrl}/runs/${runId}`, {
      headers: env.LANGSMITH_API_KEY ? { "x-api-key": env.LANGSMITH_API_KEY } : {},
      signal: deadline,
    });
    if (res.ok) {
      const run = (await res.json()) as { app_path?: string };
      if (run.app_path) return `${client.getHostUrl()}${run.app_path}`;
      problem = "the run has no app_path";
    } else {
      problem = `HTTP ${res.status}`;
      if (res.status !== 404) break;
    }
    await new Promise((resolve) => setTimeout(resolve, 500 * attempt));
  }
  throw new Error(problem);
}

/** Lines naming the LangSmith trace of each run id. */
export async function traceLinks(env: Env, runIds: readonly string[]): Promise<string[]> {
  const project = env.LANGSMITH_PROJECT ?? "default";
  const lines: string[] = [];
  for (const runId of runIds) {
    try {
      lines.push(`LangSmith trace: ${await runLink(env, runId)}`);
    } catch (error) {
      lines.push(`LangSmith trace: run ${runId} in project "${project}" (link lookup failed: ${(error as Error).message})`);
    }
  }
  return lines;
}
