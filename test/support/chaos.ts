/**
 * The chaos run behind `npm run chaos` and its smaller test: runs with a side-effecting tool
 * (send_webhook) in flight on several worker processes while a worker holding runs is killed with
 * SIGKILL again and again (and replaced). Every run must finish, none may be lost, and no webhook
 * may be delivered twice.
 */
import { Client } from "@langchain/langgraph-sdk";
import { connectRedis } from "../../lib/redis.js";
import { SaverKeys } from "../../memory/redis-saver/keys.js";
import { keysUnder, testRedisUrl, uniquePrefix } from "./redis.js";
import { scaleGoal, startScaleStub, startSwitchboard, startWebhookReceiver, type SwitchboardProcess } from "./scale-harness.js";
import { queuePrefixFor } from "../../server/execution/queue/bullmq-run-queue.js";
import { cleanQueuePrefix } from "./scale.js";

/** Settings of a chaos run. */
export interface ChaosOptions {
  runs: number;
  kills: number;
  workers?: number;
  /** Runs per worker at a time. */
  concurrency?: number;
  /** Stub latency per model call. */
  delayMs?: number;
  killEveryMs?: number;
  leaseMs?: number;
  timeoutMs?: number;
  log?: (line: string) => void;
}

/** What a chaos run observed. */
export interface ChaosReport {
  runs: number;
  finished: number;
  /** Runs that ended in another state (error, interrupted). */
  failed: number;
  /** Runs not ended when the time ran out. */
  lost: number;
  kills: number;
  /** Runs held (thread leases) by the killed workers at the moments they were killed. */
  runsHitByKills: number;
  /** Jobs whose webhook was delivered more than once. */
  duplicatedSideEffects: number;
  /** Of those, deliveries repeating one Idempotency-Key (a receiver honouring the header drops them). */
  repeatedIdempotencyKeys: number;
  /** Finished runs whose webhook never arrived. */
  missingSideEffects: number;
  seconds: number;
  /** Keys left under the run's prefixes after clean-up (must be 0: tests clean what they write). */
  keysLeft: number;
}

const TERMINAL = new Set(["success", "error", "interrupted", "timeout"]);

/** Runs the chaos scenario on the shared Redis under a fresh prefix; cleans up after itself. */
export async function runChaos(options: ChaosOptions): Promise<ChaosReport> {
  const log = options.log ?? (() => {});
  const prefix = uniquePrefix("chaos");
  const receiver = await startWebhookReceiver();
  const stub = await startScaleStub({ webhookUrl: receiver.url, delayMs: options.delayMs ?? 250 });
  const redis = await connectRedis({ url: testRedisUrl() });
  const env = {
    REDIS_URL: testRedisUrl(),
    REDIS_KEY_PREFIX: prefix,
    OPENAI_API_KEY: "test",
    OPENAI_BASE_URL: stub.url,
    OPENAI_MODEL: "stub-model",
    TOOL_POLICIES: '{"send_webhook":"allow"}',
    TOOL_NET_ALLOWLIST: "127.0.0.1",
    RUN_LEASE_MS: String(options.leaseMs ?? 2_000),
    WORKER_CONCURRENCY: String(options.concurrency ?? 4),
    WORKSPACE_DIR: "./workspace/chaos",
  };
  const processes: SwitchboardProcess[] = [];
  // Replacement workers start in the background; clean-up waits for them so none outlives the run.
  const starting = new Set<Promise<void>>();
  let closing = false;
  const started = Date.now();
  let report: ChaosReport;
  try {
    const api = await startSwitchboard("serve", { ...env, WORKERS: "0" });
    processes.push(api);
    const workers = await Promise.all(Array.from({ length: options.workers ?? 3 }, () => startSwitchboard("worker", env)));
    processes.push(...workers);
    log(`started 1 API process and ${workers.length} workers`);
    const client = new Client({ apiUrl: api.url! });
    const runs: { threadId: string; runId: string; job: string; status: string }[] = [];
    const submit = async (count: number) => {
      for (let made = 0; made < count && runs.length < options.runs; made += 1) {
        const index = runs.length;
        const thread = await client.threads.create();
        const run = await client.runs.create(thread.thread_id, "supervisor", { input: { messages: [{ role: "user", content: scaleGoal(index, "operator") }] } });
        runs.push({ threadId: thread.thread_id, runId: run.run_id, job: `job-${index}`, status: run.status });
      }
    };
    const unfinished = () => runs.filter((run) => !TERMINAL.has(run.status));
    const refresh = () =>
      Promise.all(
        unfinished().map(async (run) => {
          run.status = (await client.runs.get(run.threadId, run.runId).catch(() => run)).status;
        }),
      );
    const deadline = started + (options.timeoutMs ?? 300_000);
    const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

    // Runs are submitted in waves, one wave before each kill, so every kill hits runs in flight.
    const wave = Math.ceil(options.runs / Math.max(1, options.kills));
    let kills = 0;
    let runsHitByKills = 0;
    while (kills < options.kills && Date.now() < deadline) {
      // Spread the runs left over the kills left, so the last kills still find runs in flight.
      await submit(Math.max(1, Math.min(wave, Math.floor((options.runs - runs.length) / Math.max(1, options.kills - kills)))));
      let victim: SwitchboardProcess | undefined;
      let held = 0;
      let waitedSince = Date.now();
      while (!victim && Date.now() < deadline) {
        await pause(100);
        const alive = workers.filter((worker) => worker.child.exitCode === null && worker.child.signalCode === null);
        // Keep one worker alive: replacements take seconds to start on a busy machine.
        if (alive.length < 2) {
          waitedSince = Date.now();
          continue;
        }
        // Runs finished before a worker could be caught holding one: send another wave.
        if (Date.now() - waitedSince > 3_000 && runs.length < options.runs) {
          await submit(Math.min(wave, Math.max(1, Math.floor((options.runs - runs.length) / Math.max(1, options.kills - kills)))));
          waitedSince = Date.now();
        }
        const holders = await leaseHolders(redis, prefix, unfinished().map((run) => run.threadId));
        victim = alive.filter((worker) => (holders.get(worker.child.pid!) ?? 0) > 0).sort(() => Math.random() - 0.5)[0];
        held = victim ? holders.get(victim.child.pid!)! : 0;
      }
      if (!victim) break;
      await victim.stop("SIGKILL");
      kills += 1;
      runsHitByKills += held;
      workers.splice(workers.indexOf(victim), 1);
      const replace = (): Promise<void> =>
        startSwitchboard("worker", env).then(
          (replacement) => {
            processes.push(replacement);
            if (closing) return replacement.stop("SIGKILL");
            workers.push(replacement);
          },
          (error: unknown) => {
            if (closing) return;
            log(`a replacement worker failed to start (${(error as Error).message.split("\n")[0]}); starting another`);
            return replace();
          },
        );
      const replacing = replace();
      starting.add(replacing);
      void replacing.finally(() => starting.delete(replacing));
      await refresh();
      log(`kill ${kills}: worker ${victim.child.pid} holding ${held} run(s); ${runs.length} submitted, ${runs.length - unfinished().length} ended`);
      await pause(options.killEveryMs ?? 1_000);
    }
    await submit(options.runs - runs.length);
    log(`submitted all ${runs.length} runs`);
    while (unfinished().length > 0 && Date.now() < deadline) {
      await pause(500);
      await refresh();
    }
    const finished = runs.filter((run) => run.status === "success");
    report = {
      runs: runs.length,
      finished: finished.length,
      failed: runs.filter((run) => TERMINAL.has(run.status) && run.status !== "success").length,
      lost: unfinished().length,
      kills,
      runsHitByKills,
      duplicatedSideEffects: [...receiver.byJob.values()].filter((count) => count > 1).length,
      repeatedIdempotencyKeys: [...receiver.byKey.values()].filter((count) => count > 1).length,
      missingSideEffects: finished.filter((run) => !receiver.byJob.has(run.job)).length,
      seconds: Math.round((Date.now() - started) / 100) / 10,
      keysLeft: 0,
    };
    if (report.failed > 0 || report.lost > 0) {
      log(`not finished: ${runs.filter((run) => run.status !== "success").map((run) => `${run.runId}=${run.status}`).join(", ")}`);
    }
  } finally {
    closing = true;
    await Promise.all(starting);
    await Promise.all(processes.map((process) => process.stop("SIGKILL")));
    await stub.close();
    await receiver.close();
    await cleanQueuePrefix(prefix);
    await redis.close();
  }
  report.keysLeft = await keysLeftUnder(prefix);
  return report;
}

/** How many keys are still under a chaos run's prefixes (its own and its queue's). */
export async function keysLeftUnder(prefix: string): Promise<number> {
  const redis = await connectRedis({ url: testRedisUrl() });
  let count = 0;
  try {
    for (const under of [prefix, queuePrefixFor(prefix)]) count += (await keysUnder(redis, under)).length;
  } finally {
    await redis.close();
  }
  return count;
}

/** How many of these threads' leases each worker pid holds now (lease values are `<token>:<run>@<host>:<pid>:<id>`). */
async function leaseHolders(redis: Awaited<ReturnType<typeof connectRedis>>, prefix: string, threadIds: string[]): Promise<Map<number, number>> {
  const counts = new Map<number, number>();
  const values = await Promise.all(threadIds.map((threadId) => redis.get(new SaverKeys(prefix).lease(threadId).lease)));
  for (const value of values) {
    const pid = Number(/@[^:]+:(\d+):/.exec(String(value))?.[1]);
    if (pid) counts.set(pid, (counts.get(pid) ?? 0) + 1);
  }
  return counts;
}
