/**
 * Retrying a dead letter through the API: the run goes back to pending on its thread, runs to its
 * end, and leaves the list. (Dead-lettering itself, by takeovers, is test/scale/dead-letter.test.ts.)
 */
import type { Hono } from "hono";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseEnv } from "../lib/env.js";
import { silentLogger } from "../lib/logger.js";
import { createApp } from "../server/app.js";
import { deadLetterRun } from "../server/execution/dead-letter.js";
import { assistantIdForGraph } from "../server/graphs/registry.js";
import type { RunRecord } from "../server/records/types.js";
import { buildServerRuntime, type ServerRuntime } from "../server/runtime.js";
import { testRedisUrl, uniquePrefix } from "./support/redis.js";
import { cleanQueuePrefix, eventually } from "./support/scale.js";
import { FIXTURE_CONFIG } from "./support/server.js";

describe("the dead-letter routes", () => {
  const prefix = uniquePrefix("deadletters");
  let runtime: ServerRuntime;
  let app: Hono;

  beforeAll(async () => {
    runtime = await buildServerRuntime(parseEnv({ REDIS_URL: testRedisUrl(), REDIS_KEY_PREFIX: prefix }), silentLogger(), { configPath: FIXTURE_CONFIG });
    await runtime.deps.queue.startWorker(runtime.handler, { concurrency: 2 });
    app = createApp(runtime.deps);
  }, 60_000);
  afterAll(async () => {
    await runtime?.deps.queue.close();
    await runtime?.close();
    await cleanQueuePrefix(prefix);
  });

  it("lists a dead-lettered run with its reason, retries it to success and takes it off the list", async () => {
    const { storage, events, queue, logger } = runtime.deps;
    const thread = (await (await app.request("/threads", { method: "POST", body: "{}", headers: { "content-type": "application/json" } })).json()) as { thread_id: string };
    const stored = (await storage.threads.get(thread.thread_id))!;
    const now = new Date().toISOString();
    const run: RunRecord = {
      run_id: crypto.randomUUID(),
      thread_id: thread.thread_id,
      assistant_id: assistantIdForGraph("echo"),
      created_at: now,
      updated_at: now,
      status: "pending",
      metadata: {},
      multitask_strategy: "reject",
      owner: stored.owner,
      kwargs: { input: { messages: [{ role: "human", content: "again" }] }, command: null, config: { configurable: { thread_id: thread.thread_id } }, context: null, stream_mode: ["values"], interrupt_before: null, interrupt_after: null, subgraphs: false, temporary: false, graph_id: "echo" },
    };
    await storage.runs.create(run, { ifNotExists: "reject", newThread: stored });
    await deadLetterRun({ storage, events, queue, logger }, { runId: run.run_id, threadId: thread.thread_id, owner: stored.owner }, { reason: "The run was dead-lettered: a test said so.", takeovers: 4 });

    expect(await storage.runs.active(thread.thread_id)).toEqual([]);
    expect((await storage.runs.get(thread.thread_id, run.run_id))?.status).toBe("error");
    const listed = (await (await app.request("/runs/dead_letters")).json()) as { run_id: string; reason: string; takeovers: number }[];
    expect(listed).toMatchObject([{ run_id: run.run_id, reason: "The run was dead-lettered: a test said so.", takeovers: 4 }]);
    expect((await app.request(`/runs/dead_letters/${crypto.randomUUID()}`)).status).toBe(404);

    const retried = await app.request(`/runs/dead_letters/${run.run_id}/retry`, { method: "POST" });
    expect(retried.status).toBe(200);
    await eventually(async () => expect((await storage.runs.get(thread.thread_id, run.run_id))?.status).toBe("success"));
    expect(JSON.stringify((await storage.threads.get(thread.thread_id))?.values)).toContain("echo: again");
    expect(await (await app.request("/runs/dead_letters")).json()).toEqual([]);
    // Only a run in status error can be retried.
    await storage.deadLetters.add({ run_id: run.run_id, thread_id: thread.thread_id, owner: stored.owner, graph_id: "echo", reason: "stale", takeovers: 1, dead_lettered_at: now });
    expect((await app.request(`/runs/dead_letters/${run.run_id}/retry`, { method: "POST" })).status).toBe(409);
  });
});
