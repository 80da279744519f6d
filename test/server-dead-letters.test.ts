/**
 * Retrying a dead letter through the API: the run goes back to pending on its thread, runs to its
 * end, and leaves the list. (Dead-lettering itself, by takeovers, is test/scale/dead-letter.test.ts.)
 */
import type { Hono } from "hono";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { deadLetterRun } from "../server/execution/dead-letter.js";
import { assistantIdForGraph } from "../server/graphs/registry.js";
import type { RunRecord } from "../server/records/types.js";
import type { ServerRuntime } from "../server/runtime.js";
import { testRedisUrl, uniquePrefix } from "./support/redis.js";
import { pendingRunRecord } from "./support/run-record.js";
import { cleanQueuePrefix, eventually } from "./support/scale.js";
import { openAppRuntime, type AppRuntime } from "./support/server.js";

describe("the dead-letter routes", () => {
  const prefix = uniquePrefix("deadletters");
  let runtime: ServerRuntime;
  let app: Hono;
  let opened: AppRuntime | undefined;

  beforeAll(async () => {
    opened = await openAppRuntime({ REDIS_URL: testRedisUrl(), REDIS_KEY_PREFIX: prefix });
    ({ runtime, app } = opened);
  }, 60_000);
  afterAll(async () => {
    await opened?.close();
    await cleanQueuePrefix(prefix);
  });

  it("lists a dead-lettered run with its reason, retries it to success and takes it off the list", async () => {
    const { storage, events, queue, logger } = runtime.deps;
    const thread = (await (await app.request("/threads", { method: "POST", body: "{}", headers: { "content-type": "application/json" } })).json()) as { thread_id: string };
    const stored = (await storage.threads.get(thread.thread_id))!;
    const now = new Date().toISOString();
    const run = pendingRunRecord(thread.thread_id, {
      assistantId: assistantIdForGraph("echo"),
      graphId: "echo",
      owner: stored.owner,
      createdAt: now,
      input: { messages: [{ role: "human", content: "again" }] },
      configurable: { thread_id: thread.thread_id },
    });
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
