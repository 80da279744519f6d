/**
 * npm run bench:redis-trace — prints every Redis command one runs/wait of the trivial graph sends
 * through our server (one process), as MONITOR sees it on a private redis-server, with the
 * per-run totals. For finding which writes a run could merge or skip. Options: --runs N (default 2).
 */
import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { createInterface } from "node:readline";
import { apiRunner, sequential } from "./server-load.js";
import { startServer, stop, trivialBenchConfig } from "./server-process.js";
import { countRedisCost, startPrivateRedis } from "./redis-counting.js";

const runsIndex = process.argv.indexOf("--runs");
const RUNS = runsIndex >= 0 ? Number(process.argv[runsIndex + 1]) : 2;

async function main(): Promise<void> {
  const { config, remove } = trivialBenchConfig("redis-trace");
  const redis = await startPrivateRedis();
  try {
    const server = await startServer(config, { REDIS_URL: redis.url, REDIS_KEY_PREFIX: `trace:${randomUUID().slice(0, 8)}:`, SERVER_PROCESSES: "1" });
    try {
      const run = await apiRunner(server.url, 1, "trivial");
      await sequential(run, 5);
      const monitor = spawn("redis-cli", ["-p", String(redis.port), "monitor"], { stdio: ["ignore", "pipe", "ignore"] });
      createInterface({ input: monitor.stdout! }).on("line", (line) => console.log(line.length > 220 ? `${line.slice(0, 220)}…` : line));
      await new Promise((resolve) => setTimeout(resolve, 300));
      const cost = await countRedisCost(redis, async () => void (await sequential(run, RUNS)));
      await new Promise((resolve) => setTimeout(resolve, 300));
      monitor.kill("SIGTERM");
      console.log(`\nper run: ${cost.commands / RUNS} commands, ${cost.scripts / RUNS} scripts, ${cost.roundTrips / RUNS} round trips`);
      console.log(cost.byCommand.map(([name, n]) => `${name} ${n / RUNS}`).join(", "));
    } finally {
      await stop(server.child);
    }
  } finally {
    await redis.dispose();
    remove();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
