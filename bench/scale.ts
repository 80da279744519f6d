/**
 * `npm run bench:scale [-- runs concurrency]`: throughput of the supervisor graph (the real
 * ChatOpenAI client against the OpenAI stub, 200 ms per model call) through one API process
 * (WORKERS=0) and the Redis queue, with 1 worker process and then with 2 (same per-worker
 * concurrency), in one run. Prints runs/s and the ratio (bar ≥ 1.8), the API process's event-loop
 * delay p99 under that load (perf_hooks monitorEventLoopDelay via /metrics; bar ≤ 50 ms) and the
 * worker memory per in-flight run. Needs Redis on REDIS_URL (default 127.0.0.1:6379).
 */
import { readFileSync } from "node:fs";
import { Client } from "@langchain/langgraph-sdk";
import { QueueEvents } from "bullmq";
import { queuePrefixFor } from "../server/execution/queue/index.js";
import { testRedisUrl, uniquePrefix } from "../test/support/redis.js";
import { scaleGoal, startScaleStub, startSwitchboard, type SwitchboardProcess } from "../test/support/scale-harness.js";
import { cleanQueuePrefix } from "../test/support/scale.js";

const [RUNS = 1_000, CONCURRENCY = 4] = process.argv.slice(2).map(Number);
const DELAY_MS = 200;
const SUBMITTERS = 16;

const rssMb = (pid: number) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? 0) / 1024;
const lagP99Ms = async (api: string) => {
  const text = await (await fetch(`${api}/metrics`)).text();
  return Number(/^switchboard_nodejs_eventloop_lag_p99_seconds (\S+)$/m.exec(text)?.[1] ?? NaN) * 1000;
};

interface Phase {
  workers: number;
  seconds: number;
  runsPerSecond: number;
  lagP99Ms: number;
  workerRssIdleMb: number;
  workerRssLoadedMb: number;
  apiRssMb: number;
  failed: number;
}

async function phase(label: string, api: SwitchboardProcess, env: Record<string, string>, workerCount: number, events: QueueEvents): Promise<Phase> {
  const workers = await Promise.all(Array.from({ length: workerCount }, () => startSwitchboard("worker", env)));
  await new Promise((resolve) => setTimeout(resolve, 1_000));
  const idle = workers.map((worker) => rssMb(worker.child.pid!));
  const client = new Client({ apiUrl: api.url! });
  const ids = new Set<string>();
  let done = 0;
  let failed = 0;
  let allDone: () => void = () => {};
  const finished = new Promise<void>((resolve) => (allDone = resolve));
  const onCompleted = ({ jobId, returnvalue }: { jobId: string; returnvalue: unknown }) => {
    if (!ids.has(jobId)) return;
    ids.delete(jobId);
    done += 1;
    if (String(returnvalue) !== "success") failed += 1;
    if (done === RUNS) allDone();
  };
  events.on("completed", onCompleted);
  await lagP99Ms(api.url!); // resets the API's event-loop histogram: the next read covers this phase only
  const started = performance.now();
  let next = 0;
  const loadedSamples: number[] = [];
  const sampler = setInterval(() => loadedSamples.push(workers.reduce((sum, worker) => sum + rssMb(worker.child.pid!), 0)), 1_000);
  await Promise.all(
    Array.from({ length: SUBMITTERS }, async () => {
      while (next < RUNS) {
        const index = next++;
        const thread = await client.threads.create();
        const run = await client.runs.create(thread.thread_id, "supervisor", { input: { messages: [{ role: "user", content: scaleGoal(`${label}-${index}`, "analyst") }] } });
        ids.add(run.run_id);
      }
    }),
  );
  process.stdout.write(`  ${label}: ${RUNS} runs submitted after ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
  const progress = setInterval(() => process.stdout.write(`  ${label}: ${done}/${RUNS} done\n`), 10_000);
  await finished;
  const seconds = (performance.now() - started) / 1000;
  clearInterval(progress);
  clearInterval(sampler);
  events.off("completed", onCompleted);
  const lag = await lagP99Ms(api.url!);
  const apiRss = rssMb(api.child.pid!);
  await Promise.all(workers.map((worker) => worker.stop("SIGTERM")));
  const loaded = loadedSamples.slice(1, -1);
  return {
    workers: workerCount,
    seconds,
    runsPerSecond: RUNS / seconds,
    lagP99Ms: lag,
    workerRssIdleMb: idle.reduce((a, b) => a + b, 0),
    workerRssLoadedMb: loaded.length > 0 ? loaded.reduce((a, b) => a + b, 0) / loaded.length : NaN,
    apiRssMb: apiRss,
    failed,
  };
}

async function main(): Promise<void> {
  const prefix = uniquePrefix("bench-scale");
  const stub = await startScaleStub({ delayMs: DELAY_MS });
  const env = {
    REDIS_URL: testRedisUrl(),
    REDIS_KEY_PREFIX: prefix,
    OPENAI_API_KEY: "test",
    OPENAI_BASE_URL: stub.url,
    OPENAI_MODEL: "stub-model",
    WORKER_CONCURRENCY: String(CONCURRENCY),
    WORKSPACE_DIR: "./workspace/bench-scale",
    LOG_LEVEL: "error",
  };
  const api = await startSwitchboard("serve", { ...env, WORKERS: "0" });
  const events = new QueueEvents("runs", { connection: { url: testRedisUrl() } as never, prefix: queuePrefixFor(prefix) });
  await events.waitUntilReady();
  console.log(`bench:scale — ${RUNS} supervisor runs per phase, stub ${DELAY_MS} ms per model call (4 calls a run), ${CONCURRENCY} runs at a time per worker, 1 API process (WORKERS=0)`);
  try {
    const one = await phase("1 worker", api, env, 1, events);
    const two = await phase("2 workers", api, env, 2, events);
    const row = (p: Phase) =>
      `${String(p.workers).padStart(7)}  ${p.seconds.toFixed(1).padStart(7)}  ${p.runsPerSecond.toFixed(2).padStart(7)}  ${p.lagP99Ms.toFixed(1).padStart(11)}  ${p.apiRssMb.toFixed(0).padStart(10)}  ${(((p.workerRssLoadedMb - p.workerRssIdleMb) / (p.workers * CONCURRENCY)) * 1024).toFixed(0).padStart(13)}  ${p.failed}`;
    console.log("");
    console.log("workers  seconds    runs/s  API lag p99 ms  API RSS MB  KB/in-flight  failed");
    console.log(row(one));
    console.log(row(two));
    const ratio = two.runsPerSecond / one.runsPerSecond;
    const lag = Math.max(one.lagP99Ms, two.lagP99Ms);
    console.log("");
    console.log(`throughput 2 workers / 1 worker: ${ratio.toFixed(2)}x (bar >= 1.8: ${ratio >= 1.8 ? "PASS" : "FAIL"})`);
    console.log(`API event-loop delay p99 (10 ms sampling timer included): ${lag.toFixed(1)} ms (bar <= 50 ms: ${lag <= 50 ? "PASS" : "FAIL"})`);
    console.log(`worker memory per in-flight run: ${((((two.workerRssLoadedMb - two.workerRssIdleMb) / (2 * CONCURRENCY)) * 1024)).toFixed(0)} KB RSS (loaded minus idle RSS over ${2 * CONCURRENCY} in-flight runs)`);
  } finally {
    await events.close();
    await api.stop("SIGTERM");
    await stub.close();
    await cleanQueuePrefix(prefix);
  }
}

await main();
