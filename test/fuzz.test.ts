/**
 * Bar: a model answering with random but schema-valid choices never makes a run hang or crash:
 * every run reaches a named terminal state within its budgets. A model answering with
 * malformed tool calls gets errors back and the run still ends cleanly. (`npm run fuzz:graphs`
 * runs many more seeds.) And over HTTP, in embedded and Redis mode: every malformed request to
 * every mounted route (test/support/http-fuzz.ts) is a 4xx with a JSON body, never a 5xx or a hang.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TERMINAL_STATES } from "../agents/index.js";
import { GRAPHS } from "../graphs/index.js";
import { createApp } from "../server/app.js";
import { FUZZ_LIMITS, fuzzCatalog, fuzzRun, type FuzzOutcome } from "./support/fuzz-harness.js";
import { httpFuzzCases, type HttpFuzzCase } from "./support/http-fuzz.js";
import { FIXTURE_CONFIG, startTestServer, type TestServer } from "./support/server.js";

const BODY_LIMIT = 256 * 1024;

const SEEDS = [1, 2, 3, 4, 5, 6];
const catalog = fuzzCatalog();

function expectWithinBudgets(outcome: FuzzOutcome) {
  expect(TERMINAL_STATES, `${outcome.graphId}/${outcome.seed} ended in ${outcome.status}`).toContain(outcome.status);
  expect(outcome.usage.toolCalls).toBeLessThanOrEqual(FUZZ_LIMITS.maxToolCalls);
  // Budgets are checked before every call, so a run can overshoot by the calls already in flight:
  // at most one per parallel branch (the planner runs up to its plan size at once).
  expect(outcome.usage.totalTokens).toBeLessThan(FUZZ_LIMITS.maxTokens + 6 * outcome.largestCall);
  expect(outcome.usage.modelCalls).toBeLessThanOrEqual(FUZZ_LIMITS.maxModelCalls + 6);
}

describe.each(GRAPHS.map((graph) => graph.id))("fuzz: %s", (graphId) => {
  it("random but schema-valid choices always end in a named state within budgets", async () => {
    const outcomes = [];
    for (const seed of SEEDS) outcomes.push(await fuzzRun(graphId, seed, "random", catalog));
    outcomes.forEach(expectWithinBudgets);
  }, 120_000);

  it("malformed tool calls get errors back and the run still ends cleanly", async () => {
    for (const seed of SEEDS.slice(0, 4)) {
      const outcome = await fuzzRun(graphId, seed, "malformed", catalog);
      expectWithinBudgets(outcome);
      expect(outcome.status).not.toBeNull();
    }
  }, 120_000);
});

describe.each(["embedded", "redis"] as const)("HTTP fuzz (%s): every route family", (mode) => {
  let server: TestServer;
  let cases: HttpFuzzCase[];

  beforeAll(async () => {
    server = await startTestServer({ redis: mode === "redis", configPath: FIXTURE_CONFIG, env: { SERVER_BODY_LIMIT_BYTES: String(BODY_LIMIT) } });
    const client = server.client();
    const assistant = await client.assistants.create({ graphId: "echo", name: "fuzz" });
    const thread = await client.threads.create();
    await client.runs.wait(thread.thread_id, "echo", { input: { messages: [{ role: "human", content: "hi" }] } });
    const [run] = await client.runs.list(thread.thread_id);
    const state = await client.threads.getState(thread.thread_id);
    const ids = { assistantId: assistant.assistant_id, threadId: thread.thread_id, runId: run!.run_id, checkpointId: String(state.checkpoint.checkpoint_id) };
    const routes = [...new Set(createApp(server.runtime.deps).routes.filter((route) => route.method !== "ALL").map((route) => `${route.method} ${route.path}`))];
    cases = httpFuzzCases(routes, ids, BODY_LIMIT);
  }, 60_000);
  afterAll(async () => server?.close());

  it("every malformed request is a 4xx with a JSON body; nothing is a 5xx or hangs; the server answers throughout", async () => {
    const failures: string[] = [];
    for (const fuzz of cases) {
      const init: RequestInit = { method: fuzz.method, signal: AbortSignal.timeout(15_000) };
      const headers: Record<string, string> = fuzz.accept ? { accept: fuzz.accept } : {};
      if (fuzz.body !== undefined) Object.assign(init, { body: fuzz.body, headers: { ...headers, "content-type": fuzz.contentType! } });
      else init.headers = headers;
      const label = `${fuzz.route} [${fuzz.name}]`;
      let response: Response;
      let text: string;
      try {
        response = await fetch(`${server.url}${fuzz.path}`, init);
        text = await response.text();
      } catch (error) {
        failures.push(`${label}: no whole answer (${(error as Error).name}: ${(error as Error).message})`);
        continue;
      }
      if (response.status >= 500) failures.push(`${label}: ${response.status} ${text.slice(0, 120)}`);
      else if (fuzz.expect === "refused" && response.status < 400) failures.push(`${label}: accepted with ${response.status} ${text.slice(0, 120)}`);
      else if (response.status >= 400) {
        const body = (() => {
          try {
            return JSON.parse(text) as { error?: unknown; message?: unknown };
          } catch {
            return undefined;
          }
        })();
        // /mcp speaks JSON-RPC: the transport's errors are { jsonrpc, error: { code, message }, id } (the middleware's stay ours).
        const rpc = fuzz.family === "mcp" && typeof body?.error === "object" ? (body.error as { code?: unknown; message?: unknown } | null) : undefined;
        const wellFormed = rpc !== undefined ? typeof rpc?.code === "number" && typeof rpc.message === "string" : typeof body?.error === "string" && typeof body.message === "string";
        if (!wellFormed) failures.push(`${label}: ${response.status} without a JSON error body: ${text.slice(0, 120)}`);
      }
    }
    const families = [...new Set(cases.map((fuzz) => fuzz.family))];
    process.stdout.write(`HTTP fuzz (${mode}): ${cases.length} cases, ${new Set(cases.map((fuzz) => fuzz.route)).size} routes, ${families.length} families (${families.join(", ")})\n`);
    // FUZZ_FAILURES=path writes the whole list (the assertion below shows only its start).
    if (process.env.FUZZ_FAILURES) (await import("node:fs")).writeFileSync(process.env.FUZZ_FAILURES, failures.join("\n"));
    expect(failures).toEqual([]);
    expect(families.length).toBeGreaterThanOrEqual(8);
    expect(cases.length).toBeGreaterThan(1000);
    expect((await fetch(`${server.url}/ok`)).status).toBe(200);
  }, 300_000);
});
