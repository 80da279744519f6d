/**
 * npm run bench:server — the same trivial 3-node graph (no model) served by `langgraph dev` and by
 * our server on Redis, under the same load: 200 sequential runs/wait, then 16 concurrent clients
 * for 15 s; plus the graph invoked in-process with RedisSaver as the floor. Prints p50s,
 * throughputs, ratios against the bars, our server's RSS after the load, and what a run costs on
 * Redis (commands, scripts and round trips per run, counted on a private redis-server that both
 * our server and the floor use, so nobody else's traffic is counted).
 * Options: --quick (40 runs, 5 s), --runs N, --seconds S, --skip-dev (no langgraph dev),
 * --processes N|auto (our server's SERVER_PROCESSES; default 1, as `npm run serve` runs; auto = one per core).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import { loadavg } from "node:os";
import { connectRedis } from "../lib/redis.js";
import { RedisSaver } from "../memory/index.js";
import { trivial } from "../test/fixtures/server/graphs.js";
import { apiRunner, concurrent, percentile, sequential, type RunOnce } from "./server-load.js";
import { freePort } from "../test/support/ports.js";
import { serverPids, startServer, stop, treeRssMb, trivialBenchConfig, type BenchConfig } from "./server-process.js";
import { countRedisCost, startPrivateRedis, type RedisCost } from "./redis-counting.js";

const root = new URL("..", import.meta.url).pathname;
// langgraph dev writes .langgraph_api/ and a .gitignore next to its config: both stay in the
// ignored .bench-results/server/; the config is written again before each server starts.
let benchConfig: BenchConfig | undefined;
const writeConfig = (): BenchConfig => (benchConfig = trivialBenchConfig("server"));
const quick = process.argv.includes("--quick");
const flag = (name: string) => {
  const index = process.argv.indexOf(name);
  return index >= 0 ? Number(process.argv[index + 1]) : undefined;
};
const RUNS = flag("--runs") ?? (quick ? 40 : 200);
const SECONDS = flag("--seconds") ?? (quick ? 5 : 15);
const CLIENTS = 16;
const processesIndex = process.argv.indexOf("--processes");
const PROCESSES = processesIndex >= 0 ? String(process.argv[processesIndex + 1]) : "1";
const COUNTED_RUNS = 50;

const progress = (message: string) => process.stderr.write(`  … ${message}\n`);

interface Result {
  name: string;
  p50: number;
  p95: number;
  throughput: number;
  errors: number;
  /** RSS (MB) of the server's whole process tree right after the load. */
  rssMb?: number;
}

async function measure(name: string, run: RunOnce): Promise<Result> {
  progress(`${name}: warm-up`);
  for (let i = 0; i < 10; i++) await run(0);
  progress(`${name}: ${RUNS} sequential runs`);
  const times = await sequential(run, RUNS, (done) => progress(`${name}: ${done}/${RUNS}`));
  progress(`${name}: ${CLIENTS} clients for ${SECONDS} s`);
  const load = await concurrent(run, CLIENTS, SECONDS);
  return { name, p50: percentile(times, 50), p95: percentile(times, 95), throughput: load.runsPerSecond, errors: load.errors };
}


async function pollOk(url: string, child: ChildProcess): Promise<void> {
  for (let i = 0; i < 360; i++) {
    if (child.exitCode !== null) throw new Error(`langgraph dev exited with ${child.exitCode}`);
    try {
      if ((await fetch(`${url}/ok`)).ok) return;
    } catch {
      // not up yet
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error("langgraph dev did not answer /ok within 180 s");
}

async function benchLanggraphDev(): Promise<Result> {
  const port = await freePort();
  const { config } = writeConfig();
  const env: NodeJS.ProcessEnv = { ...process.env, LANGGRAPH_CLI_NO_ANALYTICS: "1", BROWSER: "none", LOG_LEVEL: "error" };
  delete env.LANGSMITH_TRACING;
  const child = spawn(`${root}node_modules/.bin/langgraphjs`, ["dev", "--port", String(port), "--host", "127.0.0.1", "--no-browser", "--no-reload", "--config", config], {
    cwd: root,
    env,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout!.on("data", (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4000)));
  child.stderr!.on("data", (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4000)));
  try {
    const url = `http://127.0.0.1:${port}`;
    progress("starting langgraph dev");
    await pollOk(url, child).catch((error: Error) => {
      throw new Error(`${error.message}:\n${output}`);
    });
    const result = await measure("langgraph dev", await apiRunner(url, CLIENTS, "trivial"));
    return { ...result, rssMb: treeRssMb(child.pid!) };
  } finally {
    await stop(child, true);
  }
}

async function startOurs(prefix: string, redisUrl: string): Promise<{ url: string; child: ChildProcess }> {
  const { config } = writeConfig();
  progress("starting our server");
  return startServer(config, { REDIS_URL: redisUrl, REDIS_KEY_PREFIX: prefix, SERVER_PROCESSES: PROCESSES });
}

async function floorRunner(prefix: string, redisUrl: string): Promise<{ run: RunOnce; close(): Promise<void> }> {
  const connection = await connectRedis({ url: redisUrl });
  const saver = new RedisSaver(connection, { keyPrefix: prefix });
  const graph = trivial.withConfig({}) as typeof trivial;
  graph.checkpointer = saver;
  const threads = Array.from({ length: CLIENTS }, () => randomUUID());
  return {
    run: async (client) => {
      await graph.invoke({ n: 1 }, { configurable: { thread_id: threads[client] } });
    },
    close: () => connection.close(),
  };
}

/**
 * Our server and the floor, interleaved in rounds so that load from other processes on the
 * machine hits both alike: sequential runs in chunks, then the concurrent phase in 3 slices each.
 */
async function measureInterleaved(ours: RunOnce, floor: RunOnce): Promise<[Result, Result]> {
  const targets = [
    { name: "switchboard (HTTP, Redis)", run: ours, times: [] as number[], runs: 0, seconds: 0, errors: 0 },
    { name: "in-process invoke + RedisSaver", run: floor, times: [] as number[], runs: 0, seconds: 0, errors: 0 },
  ];
  for (const target of targets) for (let i = 0; i < 10; i++) await target.run(0);
  const chunk = Math.max(10, Math.round(RUNS / 4));
  for (let done = 0; done < RUNS; done += chunk) {
    for (const target of targets) target.times.push(...(await sequential(target.run, Math.min(chunk, RUNS - done))));
    progress(`sequential: ${Math.min(done + chunk, RUNS)}/${RUNS}`);
  }
  const slices = 3;
  for (let slice = 0; slice < slices; slice++) {
    for (const target of targets) {
      const load = await concurrent(target.run, CLIENTS, SECONDS / slices);
      target.runs += load.runs;
      target.errors += load.errors;
      target.seconds += load.runs / load.runsPerSecond;
    }
    progress(`concurrent: slice ${slice + 1}/${slices}`);
  }
  const [a, b] = targets.map((target) => ({ name: target.name, p50: percentile(target.times, 50), p95: percentile(target.times, 95), throughput: target.runs / target.seconds, errors: target.errors }));
  return [a!, b!];
}

const fmt = (value: number, digits = 1) => value.toFixed(digits);

async function main(): Promise<void> {
  const prefix = `bench:server:${randomUUID().slice(0, 8)}:`;
  const dev = process.argv.includes("--skip-dev") ? undefined : await benchLanggraphDev();
  const redis = await startPrivateRedis();
  let ours: Result;
  let floor: Result;
  let rssMb: number;
  let serverProcessCount = 1;
  let costs: { ours: RedisCost; floor: RedisCost };
  try {
    const server = await startOurs(prefix, redis.url);
    const floorTarget = await floorRunner(prefix, redis.url);
    try {
      const oursRun = await apiRunner(server.url, CLIENTS, "trivial");
      [ours, floor] = await measureInterleaved(oursRun, floorTarget.run);
      const pids = serverPids(server.child.pid!);
      serverProcessCount = Math.max(1, pids.length - 1);
      rssMb = treeRssMb(server.child.pid!);
      progress(`counting Redis commands over ${COUNTED_RUNS} sequential runs each`);
      costs = {
        ours: await countRedisCost(redis, async () => void (await sequential(oursRun, COUNTED_RUNS))),
        floor: await countRedisCost(redis, async () => void (await sequential(floorTarget.run, COUNTED_RUNS))),
      };
    } finally {
      await stop(server.child);
      await floorTarget.close();
    }
  } finally {
    await redis.dispose();
  }

  console.log(`\nbench:server — trivial 3-node graph, ${RUNS} sequential runs/wait, ${CLIENTS} clients × ${SECONDS} s\n`);
  console.log("| target | p50 ms | p95 ms | runs/s (16 clients) | errors |");
  console.log("|---|---:|---:|---:|---:|");
  for (const result of [dev, ours, floor]) if (result) console.log(`| ${result.name} | ${fmt(result.p50, 2)} | ${fmt(result.p95, 2)} | ${fmt(result.throughput)} | ${result.errors} |`);
  console.log(`\nour server: SERVER_PROCESSES=${PROCESSES} (${serverProcessCount} process${serverProcessCount === 1 ? "" : "es"}); the floor is one process`);
  console.log(`our server RSS after the load (all its processes): ${fmt(rssMb)} MB`);
  if (dev?.rssMb) console.log(`langgraph dev RSS after the load (its whole process tree): ${fmt(dev.rssMb)} MB`);
  console.log(`load average (1 min) at the end: ${loadavg()[0]!.toFixed(2)}`);
  console.log(`\nRedis per run (private redis-server, ${COUNTED_RUNS} sequential runs, background polling included):`);
  console.log("| target | commands | scripts | round trips | top commands |");
  console.log("|---|---:|---:|---:|---|");
  for (const [name, cost] of [["switchboard", costs.ours], ["floor", costs.floor]] as const) {
    const per = (n: number) => fmt(n / COUNTED_RUNS, 2);
    const top = cost.byCommand.slice(0, 6).map(([command, n]) => `${command} ${per(n)}`).join(", ");
    console.log(`| ${name} | ${per(cost.commands)} | ${per(cost.scripts)} | ${per(cost.roundTrips)} | ${top} |`);
  }
  const bars: [string, number, number, boolean][] = [];
  if (dev) {
    bars.push(["p50 ours / langgraph dev (bar ≤ 0.05)", ours.p50 / dev.p50, 0.05, ours.p50 / dev.p50 <= 0.05]);
    bars.push(["throughput ours / langgraph dev (bar ≥ 10)", ours.throughput / dev.throughput, 10, ours.throughput / dev.throughput >= 10]);
    if (dev.rssMb) bars.push(["RSS ours / langgraph dev after the load (bar ≤ 1)", rssMb / dev.rssMb, 1, rssMb <= dev.rssMb]);
  }
  bars.push(["throughput ours / in-process floor (bar ≥ 0.8)", ours.throughput / floor.throughput, 0.8, ours.throughput / floor.throughput >= 0.8]);
  console.log("");
  for (const [label, ratio, , ok] of bars) console.log(`${ok ? "PASS" : "FAIL"}  ${label}: ${fmt(ratio, 3)}`);
}

main()
  .catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  })
  .finally(() => benchConfig?.remove());
