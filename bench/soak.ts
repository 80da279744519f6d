/**
 * npm run bench:soak — our server (as `npm run serve` runs it, one process by default) under 16
 * clients of runs/wait on the trivial graph for 10 minutes, on a private redis-server. Every 30 s
 * it prints the server's RSS (its whole process tree, from /proc) and V8 heap used and total (its
 * /metrics), then whether RSS stayed flat: the last sample against the one at the end of the
 * first quarter (warm-up), and the slope over the second half.
 * Options: --minutes M (default 10), --every S (default 30), --processes N (default 1),
 * --node-flags "<flags>" (default: those of `npm run serve`).
 */
import { randomUUID } from "node:crypto";
import { apiRunner, concurrent } from "./server-load.js";
import { SERVE_NODE_FLAGS, startServer, stop, treeRssMb, argValue, serverHeapMb, trivialBenchConfig } from "./server-process.js";
import { startPrivateRedis } from "./redis-counting.js";

const MINUTES = Number(argValue("--minutes") ?? 10);
const EVERY_S = Number(argValue("--every") ?? 30);
const PROCESSES = argValue("--processes") ?? "1";
const NODE_FLAGS = argValue("--node-flags")?.split(/\s+/).filter(Boolean) ?? SERVE_NODE_FLAGS;
const CLIENTS = 16;

interface Sample {
  seconds: number;
  rssMb: number;
  heapUsedMb: number;
  heapTotalMb: number;
  runs: number;
  runsPerSecond: number;
}

async function main(): Promise<void> {
  const { config, remove } = trivialBenchConfig(`soak-${randomUUID().slice(0, 8)}`);
  const redis = await startPrivateRedis();
  const samples: Sample[] = [];
  try {
    const server = await startServer(config, { REDIS_URL: redis.url, REDIS_KEY_PREFIX: "soak:", SERVER_PROCESSES: PROCESSES }, NODE_FLAGS);
    try {
      const run = await apiRunner(server.url, CLIENTS, "trivial");
      console.log(`bench:soak — ${CLIENTS} clients of runs/wait on the trivial graph for ${MINUTES} min, SERVER_PROCESSES=${PROCESSES}, node ${NODE_FLAGS.join(" ")}\n`);
      console.log("| t (s) | RSS MB | heap used MB | heap total MB | runs | runs/s |\n|---:|---:|---:|---:|---:|---:|");
      const started = performance.now();
      const slices = Math.round((MINUTES * 60) / EVERY_S);
      let runs = 0;
      for (let slice = 1; slice <= slices; slice += 1) {
        const load = await concurrent(run, CLIENTS, EVERY_S);
        runs += load.runs;
        const { used, total } = await serverHeapMb(server.url);
        const rssMb = treeRssMb(server.child.pid!);
        const sample = { seconds: (performance.now() - started) / 1000, rssMb, heapUsedMb: used, heapTotalMb: total, runs, runsPerSecond: load.runsPerSecond };
        samples.push(sample);
        console.log(`| ${sample.seconds.toFixed(0)} | ${rssMb.toFixed(1)} | ${used.toFixed(1)} | ${total.toFixed(1)} | ${runs} | ${load.runsPerSecond.toFixed(1)} |`);
      }
    } finally {
      await stop(server.child);
    }
  } finally {
    await redis.dispose();
    remove();
  }
  verdict(samples);
}

function verdict(samples: Sample[]): void {
  if (samples.length < 4) return;
  const warm = samples[Math.floor(samples.length / 4)]!;
  const last = samples.at(-1)!;
  const half = samples.slice(Math.floor(samples.length / 2));
  // Least-squares slope of RSS over the second half, in MB per minute.
  const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
  const t = half.map((s) => s.seconds / 60);
  const r = half.map((s) => s.rssMb);
  const tm = mean(t);
  const rm = mean(r);
  const slope = t.reduce((sum, ti, i) => sum + (ti - tm) * (r[i]! - rm), 0) / t.reduce((sum, ti) => sum + (ti - tm) ** 2, 0);
  const growth = last.rssMb / warm.rssMb;
  console.log(`\nRSS after warm-up (t=${warm.seconds.toFixed(0)} s) ${warm.rssMb.toFixed(1)} MB, at the end ${last.rssMb.toFixed(1)} MB: ×${growth.toFixed(3)}; slope over the second half ${slope.toFixed(2)} MB/min`);
  console.log(`${growth <= 1.1 && slope <= 1 ? "PASS" : "FAIL"}  RSS flat (end ≤ 1.10 × warm-up and second-half slope ≤ 1 MB/min)`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
