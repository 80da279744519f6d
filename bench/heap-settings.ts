/**
 * npm run bench:heap-settings — the curve behind `npm run serve`'s V8 flags: our server (one
 * process, private redis-server) under 16 clients of runs/wait on the trivial graph, once per
 * young-generation size (--max-semi-space-size), the sizes alternated over rounds so load from
 * elsewhere hits each alike. Prints runs/s, RSS after the load, V8 heap used/total, and each
 * size's throughput and RSS as a ratio of the size `npm run serve` uses (the baseline).
 * Options: --seconds S per point (default 10), --rounds N (default 2), --sizes 8,16,32,64.
 */
import { loadavg } from "node:os";
import { randomUUID } from "node:crypto";
import { apiRunner, concurrent } from "./server-load.js";
import { SERVE_NODE_FLAGS, startServer, stop, treeRssMb, argValue, serverHeapMb, trivialBenchConfig } from "./server-process.js";
import { startPrivateRedis } from "./redis-counting.js";

const SECONDS = Number(argValue("--seconds") ?? 10);
const ROUNDS = Number(argValue("--rounds") ?? 2);
const SIZES = (argValue("--sizes") ?? "8,16,32,64").split(",").map(Number);
const SERVE_SEMI = Number(/--max-semi-space-size=(\d+)/.exec(SERVE_NODE_FLAGS.join(" "))?.[1] ?? 16);
const CLIENTS = 16;

interface Point {
  runsPerSecond: number;
  rssMb: number;
  heapUsedMb: number;
  heapTotalMb: number;
}

async function measure(config: string, redisUrl: string, semi: number): Promise<Point> {
  const flags = SERVE_NODE_FLAGS.map((flag) => (flag.startsWith("--max-semi-space-size=") ? `--max-semi-space-size=${semi}` : flag));
  const server = await startServer(config, { REDIS_URL: redisUrl, REDIS_KEY_PREFIX: `heap:${semi}:`, SERVER_PROCESSES: "1" }, flags);
  try {
    const run = await apiRunner(server.url, CLIENTS, "trivial");
    await concurrent(run, CLIENTS, 2);
    const load = await concurrent(run, CLIENTS, SECONDS);
    const { used, total } = await serverHeapMb(server.url);
    return { runsPerSecond: load.runsPerSecond, rssMb: treeRssMb(server.child.pid!), heapUsedMb: used, heapTotalMb: total };
  } finally {
    await stop(server.child);
  }
}

async function main(): Promise<void> {
  const { config, remove } = trivialBenchConfig(`heap-${randomUUID().slice(0, 8)}`);
  const redis = await startPrivateRedis();
  const points = new Map<number, Point[]>(SIZES.map((size) => [size, []]));
  const loads: number[] = [loadavg()[0]!];
  try {
    for (let round = 0; round < ROUNDS; round += 1) {
      for (const size of round % 2 ? [...SIZES].reverse() : SIZES) {
        process.stderr.write(`  … round ${round + 1}/${ROUNDS}: --max-semi-space-size=${size} (load ${loadavg()[0]!.toFixed(2)})\n`);
        points.get(size)!.push(await measure(config, redis.url, size));
        loads.push(loadavg()[0]!);
      }
    }
  } finally {
    await redis.dispose();
    remove();
  }
  const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
  const summary = new Map([...points].map(([size, list]) => [size, { runsPerSecond: mean(list.map((p) => p.runsPerSecond)), rssMb: mean(list.map((p) => p.rssMb)), heapUsedMb: mean(list.map((p) => p.heapUsedMb)), heapTotalMb: mean(list.map((p) => p.heapTotalMb)) }]));
  const base = summary.get(SERVE_SEMI) ?? summary.values().next().value!;
  console.log(`\nbench:heap-settings — one server process, ${CLIENTS} clients × ${SECONDS} s per point, ${ROUNDS} rounds; baseline: --max-semi-space-size=${SERVE_SEMI} (npm run serve)`);
  console.log(`load average (1 min): ${Math.min(...loads).toFixed(2)}–${Math.max(...loads).toFixed(2)}\n`);
  console.log("| semi-space MB | runs/s | × baseline | RSS after load MB | × baseline | heap used MB | heap total MB |\n|---:|---:|---:|---:|---:|---:|---:|");
  for (const [size, p] of summary) {
    console.log(`| ${size} | ${p.runsPerSecond.toFixed(1)} | ${(p.runsPerSecond / base.runsPerSecond).toFixed(3)} | ${p.rssMb.toFixed(1)} | ${(p.rssMb / base.rssMb).toFixed(3)} | ${p.heapUsedMb.toFixed(1)} | ${p.heapTotalMb.toFixed(1)} |`);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
