/**
 * Counts what a block of work costs on Redis, seen from the server side of a private
 * redis-server (nobody else's traffic): commands sent by clients (MONITOR, leaving out those a
 * Lua script issues), scripts among them, and round trips (reads Redis processed: pipelined
 * commands arrive in one read). Used by bench:server and the per-run cost test.
 */
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { connectRedis } from "../../lib/redis.js";
import type { RedisProcess } from "./redis.js";

/** Per-block totals. */
export interface RedisCost {
  commands: number;
  scripts: number;
  roundTrips: number;
  /** Top-level commands by name, most frequent first. */
  byCommand: [string, number][];
}

async function readsProcessed(url: string): Promise<number> {
  const connection = await connectRedis({ url });
  try {
    return Number(/total_reads_processed:(\d+)/.exec(String(await connection.info("stats")))?.[1] ?? 0);
  } finally {
    await connection.close();
  }
}

/** Runs `work` while MONITOR watches Redis at `port`; what it cost. */
export async function countRedisCost(redis: RedisProcess, work: () => Promise<void>): Promise<RedisCost> {
  const monitor = spawn("redis-cli", ["-p", String(redis.port), "monitor"], { stdio: ["ignore", "pipe", "ignore"] });
  const counts = new Map<string, number>();
  let ready!: () => void;
  const started = new Promise<void>((resolve) => (ready = resolve));
  createInterface({ input: monitor.stdout! }).on("line", (line) => {
    if (line === "OK") return ready();
    const match = /^\d+\.\d+ \[\d+ ([^\]]+)\] "([^"]+)"/.exec(line);
    if (!match || match[1] === "lua") return;
    const name = match[2]!.toLowerCase();
    counts.set(name, (counts.get(name) ?? 0) + 1);
  });
  await started;
  const readsBefore = await readsProcessed(redis.url);
  await work();
  // Our own INFO (hello, info, quit) arrives in the monitor too; it is left out below.
  const readsAfter = await readsProcessed(redis.url);
  await new Promise((resolve) => setTimeout(resolve, 200));
  monitor.kill("SIGTERM");
  for (const own of ["info", "hello", "client", "quit"]) counts.delete(own);
  const byCommand = [...counts.entries()].sort((a, b) => b[1] - a[1]);
  return {
    commands: byCommand.reduce((sum, [, n]) => sum + n, 0),
    scripts: (counts.get("evalsha") ?? 0) + (counts.get("eval") ?? 0),
    // Each INFO connection costs a few reads of its own (connect handshake, INFO).
    roundTrips: Math.max(0, readsAfter - readsBefore - 3),
    byCommand,
  };
}
