/**
 * Poison runs (issue 18): a run whose node kills its worker process every time is taken over at
 * most RUN_MAX_TAKEOVERS times, then dead-lettered: status error with the reason, its thread
 * free, listed, inspectable and discardable through /runs/dead_letters, counted in /metrics; the
 * other runs on the worker pool all succeed. The API runs in this process; the workers are
 * processes a small supervisor here restarts when they die, as a process manager would.
 *
 * One run per worker: takeovers are counted per run, and a process that dies takes every run it
 * held with it, so with more runs per worker the runs that shared a worker with the poison run
 * share its takeovers and may be dead-lettered with it (visible and retryable, never lost).
 */
import type { Hono } from "hono";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseEnv } from "../../lib/env.js";
import { silentLogger } from "../../lib/logger.js";
import { createApp } from "../../server/app.js";
import { buildServerRuntime, type ServerRuntime } from "../../server/runtime.js";
import { testRedisUrl, uniquePrefix } from "../support/redis.js";
import { cleanQueuePrefix, eventually } from "../support/scale.js";
import { startSwitchboard, type SwitchboardProcess } from "../support/scale-harness.js";

const CONFIG = new URL("../fixtures/poison/langgraph.json", import.meta.url).pathname;
const MAX_TAKEOVERS = 2;

describe("a run that kills its worker every time", () => {
  const prefix = uniquePrefix("deadletter");
  const env = { REDIS_URL: testRedisUrl(), REDIS_KEY_PREFIX: prefix, RUN_LEASE_MS: "1000", RUN_MAX_TAKEOVERS: String(MAX_TAKEOVERS), WORKER_CONCURRENCY: "1" };
  let runtime: ServerRuntime;
  let app: Hono;
  const workers: SwitchboardProcess[] = [];
  let crashes = 0;
  let supervising = true;
  /** Replacements still starting: clean-up waits for them, so none outlives the test and writes keys after it. */
  const starting: Promise<void>[] = [];

  /** Keeps two workers alive, replacing each one that dies. */
  const supervise = (worker: SwitchboardProcess) => {
    workers.push(worker);
    worker.child.once("exit", () => {
      crashes += 1;
      if (supervising) starting.push(startSwitchboard("worker", env, ["--config", CONFIG]).then(supervise));
    });
  };

  beforeAll(async () => {
    runtime = await buildServerRuntime(parseEnv({ ...env, WORKERS: "0" }), silentLogger(), { configPath: CONFIG });
    app = createApp(runtime.deps);
    for (const worker of await Promise.all([0, 1].map(() => startSwitchboard("worker", env, ["--config", CONFIG])))) supervise(worker);
  }, 240_000);
  afterAll(async () => {
    supervising = false;
    await Promise.allSettled(starting);
    await Promise.all(workers.map((worker) => worker.stop("SIGKILL")));
    await runtime?.deps.queue.close();
    await runtime?.close();
    await cleanQueuePrefix(prefix);
  });

  const post = async (path: string, body: unknown) => {
    const response = await app.request(path, { method: "POST", body: JSON.stringify(body), headers: { "content-type": "application/json" } });
    expect(response.status, await response.clone().text()).toBe(200);
    return (await response.json()) as Record<string, unknown>;
  };
  const run = async (threadId: string, runId: string) => (await (await app.request(`/threads/${threadId}/runs/${runId}`)).json()) as { status: string };

  it("dead-letters it after RUN_MAX_TAKEOVERS takeovers, frees its thread, and the other runs succeed", async () => {
    const poisonThread = (await post("/threads", {})).thread_id as string;
    const poisonRun = (await post(`/threads/${poisonThread}/runs`, { assistant_id: "poison", input: {} })).run_id as string;
    const others: { thread: string; run: string }[] = [];
    for (let index = 0; index < 6; index++) {
      const thread = (await post("/threads", {})).thread_id as string;
      others.push({ thread, run: (await post(`/threads/${thread}/runs`, { assistant_id: "slow", input: {}, config: { configurable: { steps: 5, delayMs: 200 } } })).run_id as string });
    }

    await eventually(async () => expect((await run(poisonThread, poisonRun)).status).toBe("error"), 180_000, 250);
    for (const other of others) await eventually(async () => expect((await run(other.thread, other.run)).status).toBe("success"), 120_000, 250);
    // The first attempt and each allowed takeover cost one worker; the run is given up before another.
    expect(crashes).toBe(MAX_TAKEOVERS + 1);

    const listed = (await (await app.request("/runs/dead_letters")).json()) as { run_id: string; reason: string; takeovers: number }[];
    expect(listed.map((entry) => entry.run_id)).toEqual([poisonRun]);
    expect(listed[0]!.takeovers).toBe(MAX_TAKEOVERS + 1);
    expect(listed[0]!.reason).toMatch(/dead-lettered.*RUN_MAX_TAKEOVERS/);
    const inspected = (await (await app.request(`/runs/dead_letters/${poisonRun}`)).json()) as { thread_id: string; run: { status: string } };
    expect(inspected).toMatchObject({ thread_id: poisonThread, run: { status: "error" } });
    const metrics = await (await app.request("/metrics")).text();
    expect(metrics).toMatch(/^switchboard_dead_letter_runs 1$/m);

    // The thread is free: the next run on it runs.
    const next = await post(`/threads/${poisonThread}/runs/wait`, { assistant_id: "echo", input: { messages: [{ role: "human", content: "after the poison" }] } });
    expect(JSON.stringify(next)).toContain("echo: after the poison");

    // Discarded: off the list, the run stays error, nothing retried it.
    expect((await app.request(`/runs/dead_letters/${poisonRun}`, { method: "DELETE" })).status).toBe(204);
    expect(await (await app.request("/runs/dead_letters")).json()).toEqual([]);
    expect((await app.request(`/runs/dead_letters/${poisonRun}`)).status).toBe(404);
    expect((await run(poisonThread, poisonRun)).status).toBe("error");
    expect(await (await app.request("/metrics")).text()).toMatch(/^switchboard_dead_letter_runs 0$/m);
    expect(crashes).toBe(MAX_TAKEOVERS + 1);
  }, 300_000);
});
