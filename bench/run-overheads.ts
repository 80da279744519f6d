/**
 * npm run bench:run-overheads — what the server adds around one run's graph, in one process on
 * the trivial graph and RedisSaver: a per-run copy of the graph (`writingThrough`), the fenced
 * view of the saver (`saver.fenced(lease)`), the checkpoint-metadata proxy, and a connection of
 * the saver's own versus one shared with other traffic. Variants run interleaved in rounds under
 * 16 concurrent clients; each is printed as a ratio to the bare graph measured in the same rounds,
 * by throughput and by this process's CPU time per run (steadier than wall time on a shared machine).
 * Options: --rounds N (default 5), --seconds S per variant and round (default 2).
 */
import { randomUUID } from "node:crypto";
import type { BaseCheckpointSaver } from "@langchain/langgraph";
import { getEnv } from "../lib/env.js";
import { connectRedis, type RedisConnection } from "../lib/redis.js";
import { RedisSaver, withCheckpointMetadata } from "../memory/index.js";
import { writingThrough, type ServableGraph } from "../server/graphs/registry.js";
import { trivial } from "../test/fixtures/server/graphs.js";
import { deleteByPrefix } from "../test/support/redis.js";
import { concurrent, type RunOnce } from "./server-load.js";

const flag = (name: string, fallback: number) => {
  const index = process.argv.indexOf(name);
  return index >= 0 ? Number(process.argv[index + 1]) : fallback;
};
const ROUNDS = flag("--rounds", 5);
const SECONDS = flag("--seconds", 2);
const CLIENTS = 16;
const url = getEnv().REDIS_URL ?? "redis://127.0.0.1:6379";

async function main(): Promise<void> {
  const prefix = `bench:overheads:${randomUUID().slice(0, 8)}:`;
  const shared = await connectRedis({ url });
  const own = await connectRedis({ url });
  const saver = new RedisSaver(shared, { keyPrefix: prefix });
  const ownSaver = new RedisSaver(own, { keyPrefix: prefix });
  const base = trivial.withConfig({}) as unknown as ServableGraph;
  base.checkpointer = saver;
  const ownBase = trivial.withConfig({}) as unknown as ServableGraph;
  ownBase.checkpointer = ownSaver;
  const threads = Array.from({ length: CLIENTS }, () => randomUUID());
  const invoke = (graph: ServableGraph, client: number) => (graph as unknown as { invoke(input: unknown, config: unknown): Promise<unknown> }).invoke({ n: 1 }, { configurable: { thread_id: threads[client] } });
  // Traffic another part of the server would put on a shared connection (run records, events): one command per run.
  const sideTraffic = (connection: RedisConnection) => connection.set(`${prefix}side`, "1");
  const variants: [string, RunOnce][] = [
    ["bare graph, saver on a shared connection", (client) => invoke(base, client).then(() => undefined)],
    ["+ per-run graph copy (writingThrough)", (client) => invoke(writingThrough(base, saver), client).then(() => undefined)],
    ["+ fenced view (Object.create)", (client) => invoke(writingThrough(base, unfencedView(saver)), client).then(() => undefined)],
    ["+ metadata proxy", (client) => invoke(writingThrough(base, withCheckpointMetadata(saver, { run_id: "r", thread_id: threads[client] })), client).then(() => undefined)],
    ["all three", (client) => invoke(writingThrough(base, withCheckpointMetadata(unfencedView(saver), { run_id: "r" })), client).then(() => undefined)],
    ["bare graph + a side command on the same connection", async (client) => void (await Promise.all([invoke(base, client), sideTraffic(shared)]))],
    ["bare graph, saver on its own connection + side command on another", async (client) => void (await Promise.all([invoke(ownBase, client), sideTraffic(shared)]))],
  ];
  const rates = variants.map(() => [] as number[]);
  const cpu = variants.map(() => ({ micros: 0, runs: 0 }));
  try {
    for (const [, run] of variants) for (let i = 0; i < 20; i += 1) await run(i % CLIENTS);
    for (let round = 0; round < ROUNDS; round += 1) {
      for (const [index, [, run]] of variants.entries()) {
        const before = process.cpuUsage();
        const load = await concurrent(run, CLIENTS, SECONDS);
        const used = process.cpuUsage(before);
        cpu[index]!.micros += used.user + used.system;
        cpu[index]!.runs += load.runs;
        rates[index]!.push(load.runsPerSecond);
      }
      process.stderr.write(`  … round ${round + 1}/${ROUNDS}\n`);
    }
  } finally {
    await deleteByPrefix(shared, prefix);
    await shared.close();
    await own.close();
  }
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
  const baseline = median(rates[0]!);
  console.log(`\nrun overheads — trivial graph, RedisSaver, ${CLIENTS} clients, ${ROUNDS} rounds × ${SECONDS} s (median runs/s)\n`);
  const cpuPerRun = cpu.map(({ micros, runs }) => micros / runs / 1000);
  console.log("| variant | runs/s | ratio to bare | CPU ms/run | CPU ratio to bare |\n|---|---:|---:|---:|---:|");
  variants.forEach(([name], index) =>
    console.log(`| ${name} | ${median(rates[index]!).toFixed(1)} | ${(median(rates[index]!) / baseline).toFixed(3)} | ${cpuPerRun[index]!.toFixed(3)} | ${(cpuPerRun[index]! / cpuPerRun[0]!).toFixed(3)} |`),
  );
}

/** The fenced view's shape (Object.create over the saver) without a lease that Redis would check. */
function unfencedView(saver: RedisSaver): BaseCheckpointSaver {
  return Object.create(saver) as RedisSaver;
}

await main();
