/**
 * The LangSmith link of a run, from the run's `app_path` (what the client's deprecated
 * `getRunUrl` read), retried briefly because LangSmith ingests asynchronously. The CLI prints
 * it; the server can return it.
 */
import type { Env } from "../lib/env.js";
import { langsmithClient } from "./langsmith.js";

const LOOKUP_TIMEOUT_MS = 5_000;
const ATTEMPTS = 3;

/** The LangSmith URL of a run (from its `app_path`); throws saying why when it cannot be had. */
export async function langsmithRunUrl(env: Env, runId: string): Promise<string> {
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
