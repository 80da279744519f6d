/**
 * npm run bench:server-cpu -- --against <checkout> — CPU per run of one server process, this
 * checkout against another one (e.g. a `git worktree` of the commit before a change), alternated
 * over rounds on one private redis-server so load from elsewhere hits both alike: 16 clients of
 * runs/wait on the trivial graph, 3 s of warm-up then `--seconds` counted; the server process's
 * CPU (user + system, all its threads, from /proc) divided by the runs it served. Prints each
 * round and the ratios after ÷ before. Options: --rounds N (default 4), --seconds S (default 10).
 */
import { readFileSync } from "node:fs";
import { loadavg } from "node:os";
import { resolve } from "node:path";
import { apiRunner, concurrent } from "./server-load.js";
import { SERVE_NODE_FLAGS, startServer, stop, argValue, trivialBenchConfig } from "./server-process.js";
import { startPrivateRedis } from "./redis-counting.js";

const AGAINST = argValue("--against");
const ROUNDS = Number(argValue("--rounds") ?? 4);
const SECONDS = Number(argValue("--seconds") ?? 10);
const CLIENTS = 16;
const here = new URL("..", import.meta.url).pathname;

/** CPU ms (user + system) a process has used, from /proc/<pid>/stat (clock ticks of 10 ms). */
function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

async function measure(root: string, redisUrl: string, prefix: string): Promise<{ runsPerSecond: number; cpuMsPerRun: number }> {
  const { config, remove } = trivialBenchConfig("server-cpu", root);
  const server = await startServer(config, { REDIS_URL: redisUrl, REDIS_KEY_PREFIX: prefix, SERVER_PROCESSES: "1" }, SERVE_NODE_FLAGS, root);
  try {
    const run = await apiRunner(server.url, CLIENTS, "trivial");
    await concurrent(run, CLIENTS, 3);
    const before = cpuMs(server.child.pid!);
    const load = await concurrent(run, CLIENTS, SECONDS);
    return { runsPerSecond: load.runsPerSecond, cpuMsPerRun: (cpuMs(server.child.pid!) - before) / load.runs };
  } finally {
    await stop(server.child);
    remove();
  }
}

async function main(): Promise<void> {
  if (!AGAINST) throw new Error("--against <checkout> is required: the directory of the code to compare with (e.g. git worktree add ../before HEAD~1).");
  const sides = { before: resolve(AGAINST), after: here };
  const redis = await startPrivateRedis();
  const results = { before: [] as { runsPerSecond: number; cpuMsPerRun: number }[], after: [] as { runsPerSecond: number; cpuMsPerRun: number }[] };
  try {
    for (let round = 0; round < ROUNDS; round += 1) {
      for (const side of round % 2 ? (["after", "before"] as const) : (["before", "after"] as const)) {
        const result = await measure(sides[side], redis.url, `cpu:${round}:${side}:`);
        results[side].push(result);
        console.log(`${round} ${side.padEnd(6)} ${result.runsPerSecond.toFixed(1)} runs/s  ${result.cpuMsPerRun.toFixed(2)} CPU ms/run  (load ${loadavg()[0]!.toFixed(2)})`);
      }
    }
  } finally {
    await redis.dispose();
  }
  const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
  const ratio = (key: "runsPerSecond" | "cpuMsPerRun") => mean(results.after.map((r) => r[key])) / mean(results.before.map((r) => r[key]));
  console.log(`\nafter (${here}) ÷ before (${sides.before}): runs/s ×${ratio("runsPerSecond").toFixed(3)}, CPU per run ×${ratio("cpuMsPerRun").toFixed(3)}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
