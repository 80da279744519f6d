/**
 * npm run bench:checkpointer — the same workloads against MemorySaver, PostgresSaver (local
 * PostgreSQL) and RedisSaver (local Redis), in one process, printing a table and ratios:
 *   (a) ms per super-step, one node looping 500 super-steps, durability "sync";
 *   (b) bytes stored after 100 and 200 steps appending a 1 KiB message, and the growth exponent;
 *   (c) getTuple latency on threads with 10, 1000 and 5000 checkpoints;
 *   (d) 50 threads x 50 steps concurrently: steps per second;
 * plus a Redis round trip (a PING awaited on the saver's connection, measured between the (a)
 * rounds), the bar "Memory + 1.5 round trips" for (a), and (a) with durability "async".
 * (a) also runs the floor saver (MemorySaver + one awaited PING per put) and reports CPU ms per
 * step (user + system), which a loaded machine disturbs far less than wall time; every progress
 * line and the summary carry the 1-minute load average.
 * Options: --quick (smaller sizes, for a smoke run), --pg <connection string>.
 */
import { randomUUID } from "node:crypto";
import { loadavg } from "node:os";
import { MemorySaver, type BaseCheckpointSaver } from "@langchain/langgraph";
import { PostgresSaver } from "@langchain/langgraph-checkpoint-postgres";
import { getEnv } from "../lib/env.js";
import { connectRedis } from "../lib/redis.js";
import { RedisSaver } from "../memory/index.js";
import { RoundTripFloorSaver, concurrentThroughput, counterCost, getTupleLatencies, median, redisRoundTrip, runChat, runCounter } from "./checkpointer-workloads.js";
import { storedBytes, type SaverUnderTest } from "./checkpointer-storage.js";

const quick = process.argv.includes("--quick");
const pgUrl = argValue("--pg") ?? "postgresql://postgres@127.0.0.1:5432/postgres";
const sizes = quick
  ? { loop: 100, chat: [20, 40], tuples: [10, 100, 300], threads: 10, threadSteps: 10, rounds: 1 }
  : { loop: 500, chat: [100, 200], tuples: [10, 1000, 5000], threads: 50, threadSteps: 50, rounds: 3 };

function argValue(flag: string): string | undefined {
  const index = process.argv.indexOf(flag);
  return index >= 0 ? process.argv[index + 1] : undefined;
}

/** The 1-minute load average: the machine is shared, so every figure is printed with it. */
const load = () => loadavg()[0]!.toFixed(2);
const loads: string[] = [];

function progress(message: string): void {
  loads.push(load());
  process.stderr.write(`  … ${message} (load ${loads.at(-1)})\n`);
}

/** Only in (a): MemorySaver plus one awaited PING per put, the floor of a sync step on Redis. */
const FLOOR = "Memory+1RT";

async function openSavers(): Promise<{ savers: SaverUnderTest[]; ping: () => Promise<unknown> }> {
  const runId = randomUUID().slice(0, 8);
  const schema = `bench_${runId}`;
  const postgres = PostgresSaver.fromConnString(pgUrl, { schema });
  await postgres.setup();
  const connection = await connectRedis({ url: getEnv().REDIS_URL ?? "redis://127.0.0.1:6379" });
  const prefix = `bench:${runId}:`;
  const redis = new RedisSaver(connection, { keyPrefix: prefix });
  const savers: SaverUnderTest[] = [
    { name: "MemorySaver", saver: new MemorySaver(), kind: "memory", close: async () => {} },
    { name: "PostgresSaver", saver: postgres, kind: "postgres", schema, close: async () => {
      await (postgres as unknown as { pool: { query(sql: string): Promise<unknown> } }).pool.query(`DROP SCHEMA ${schema} CASCADE`);
      await postgres.end();
    } },
    { name: "RedisSaver", saver: redis, kind: "redis", prefix, close: async () => {
      const keys: string[] = [];
      for await (const batch of (connection as unknown as { scanIterator(o: object): AsyncIterable<string[]> }).scanIterator({ MATCH: `${prefix}*`, COUNT: 1000 })) keys.push(...batch);
      for (let i = 0; i < keys.length; i += 500) await connection.unlink(keys.slice(i, i + 500));
      await redis.end();
    } },
  ];
  return { savers, ping: () => connection.ping() };
}

async function main(): Promise<void> {
  const { savers, ping } = await openSavers();
  const rows: Record<string, Record<string, number>> = Object.fromEntries(savers.map((s) => [s.name, {}]));
  rows[FLOOR] = {};
  const floor: SaverUnderTest = { name: FLOOR, saver: new RoundTripFloorSaver(ping), kind: "memory", close: async () => {} };
  const loopSavers = [...savers, floor];
  let rtt = Number.NaN;
  const row = (s: SaverUnderTest) => rows[s.name]!;
  try {
    // (a) and (d) alternate savers round by round, so load from other processes hits all alike.
    for (const s of loopSavers) await runCounter(s.saver, `warmup-${randomUUID()}`, 50);
    const perStep = new Map<string, { ms: number; cpuMs: number }[]>();
    const roundTrips: number[] = [await redisRoundTrip(ping)];
    for (let r = 0; r < sizes.rounds; r += 1) {
      for (const s of loopSavers) {
        progress(`(a) ${s.name}: ${sizes.loop} super-steps, round ${r + 1}/${sizes.rounds}`);
        perStep.set(s.name, [...(perStep.get(s.name) ?? []), await counterCost(s.saver, `loop-${randomUUID()}`, sizes.loop)]);
      }
      roundTrips.push(await redisRoundTrip(ping));
    }
    for (const s of loopSavers) {
      row(s).msPerStep = median(perStep.get(s.name)!.map((cost) => cost.ms));
      row(s).cpuMsPerStep = median(perStep.get(s.name)!.map((cost) => cost.cpuMs));
    }
    roundTrips.push(await redisRoundTrip(ping));

    const asyncPerStep = new Map<string, { ms: number; cpuMs: number }[]>();
    for (let r = 0; r < sizes.rounds; r += 1) {
      for (const s of loopSavers) {
        if (s.kind === "postgres") continue;
        progress(`(a) ${s.name}: ${sizes.loop} super-steps, durability async, round ${r + 1}/${sizes.rounds}`);
        asyncPerStep.set(s.name, [...(asyncPerStep.get(s.name) ?? []), await counterCost(s.saver, `async-${randomUUID()}`, sizes.loop, "async")]);
      }
    }
    for (const s of loopSavers) {
      if (s.kind === "postgres") continue;
      row(s).msPerStepAsync = median(asyncPerStep.get(s.name)!.map((cost) => cost.ms));
      row(s).cpuMsPerStepAsync = median(asyncPerStep.get(s.name)!.map((cost) => cost.cpuMs));
    }

    for (const s of savers) {
      progress(`(b) ${s.name}: bytes after ${sizes.chat.join(" and ")} chat steps`);
      for (const steps of sizes.chat) {
        const thread = `chat-${steps}-${randomUUID()}`;
        await runChat(s.saver, thread, steps);
        row(s)[`bytes@${steps}`] = await storedBytes(s, thread);
      }
      row(s).growth = Math.log2(row(s)[`bytes@${sizes.chat[1]}`]! / row(s)[`bytes@${sizes.chat[0]}`]!);
    }

    for (const s of savers) {
      const threads = new Map<number, string>();
      for (const count of sizes.tuples) {
        progress(`(c) ${s.name}: writing a thread with ${count} checkpoints`);
        const thread = `tuples-${count}-${randomUUID()}`;
        await runCounter(s.saver, thread, count - 2);
        threads.set(count, thread);
      }
      progress(`(c) ${s.name}: getTuple latency, sampled round-robin across the ${sizes.tuples.length} threads`);
      const latencies = await getTupleLatencies(s.saver, sizes.tuples.map((count) => threads.get(count)!));
      sizes.tuples.forEach((count, index) => (row(s)[`getTuple@${count}`] = latencies[index]!));
    }

    for (const s of savers) await concurrentThroughput(s.saver, `warm-${randomUUID()}`, 5, 5);
    const rates = new Map<string, number[]>();
    for (let r = 0; r < sizes.rounds; r += 1) {
      for (const s of savers) {
        progress(`(d) ${s.name}: ${sizes.threads} threads x ${sizes.threadSteps} steps, round ${r + 1}/${sizes.rounds}`);
        const rate = await concurrentThroughput(s.saver, `rate-${randomUUID()}`, sizes.threads, sizes.threadSteps);
        rates.set(s.name, [...(rates.get(s.name) ?? []), rate]);
      }
    }
    for (const s of savers) row(s).stepsPerSec = median(rates.get(s.name)!);
    rtt = median(roundTrips);
  } finally {
    for (const s of savers) await s.close();
  }
  report(rows, rtt);
}

function report(rows: Record<string, Record<string, number>>, rtt: number): void {
  const names = Object.keys(rows);
  const metrics = Object.keys(rows[names[0]!]!);
  const fmt = (metric: string, value: number) =>
    metric.startsWith("bytes") ? `${(value / 1e6).toFixed(2)} MB` : metric === "growth" ? value.toFixed(2) : /^(getTuple|msPerStep|cpuMsPerStep)/.test(metric) ? `${value.toFixed(3)} ms` : value.toFixed(0);
  console.log(`\nload average (1 min) over the run: ${loads[0]} at the start, ${[...loads].sort((a, b) => Number(a) - Number(b)).at(-1)} at most, ${load()} at the end`);
  console.log(`\n| metric | ${names.join(" | ")} |\n| --- | ${names.map(() => "---").join(" | ")} |`);
  for (const metric of metrics) console.log(`| ${metric} | ${names.map((n) => (rows[n]![metric] === undefined ? "—" : fmt(metric, rows[n]![metric]!))).join(" | ")} |`);
  const m = rows.MemorySaver!, p = rows.PostgresSaver!, r = rows.RedisSaver!, f = rows[FLOOR]!;
  const [small, large] = sizes.chat;
  const [fewest, , most] = sizes.tuples;
  const budget = m.msPerStep! + 1.5 * rtt;
  console.log(`\nRedis round trip (PING awaited on the saver's connection, median of ${sizes.rounds + 2} samples of 200): ${rtt.toFixed(3)} ms`);
  console.log(
    `(a) Memory + 1.5 round trips = ${m.msPerStep!.toFixed(3)} + 1.5 × ${rtt.toFixed(3)} = ${budget.toFixed(3)} ms; Redis ${r.msPerStep!.toFixed(3)} ms/step: ` +
      `${r.msPerStep! <= budget ? "PASS" : "FAIL"} (${((r.msPerStep! - m.msPerStep!) / rtt).toFixed(2)} round trips above Memory)`,
  );
  const lines = [
    [`(a) Redis ms/step ÷ Memory`, r.msPerStep! / m.msPerStep!, "≤ 1.30"],
    [`(a) Redis ms/step ÷ (Memory + 1.5 round trips)`, r.msPerStep! / budget, "≤ 1.00"],
    [`(a) async: Memory ms/step ÷ Redis (throughput ratio)`, m.msPerStepAsync! / r.msPerStepAsync!, "≥ 0.95"],
    [`(a) Redis ms/step ÷ floor (Memory + 1 awaited PING per put)`, r.msPerStep! / f.msPerStep!, "(reference)"],
    [`(a) CPU ms/step: Redis − Memory (saver + client + kernel per step)`, r.cpuMsPerStep! - m.cpuMsPerStep!, "(reference)"],
    [`(a) CPU ms/step: Redis − floor (what the saver adds to one PING)`, r.cpuMsPerStep! - f.cpuMsPerStep!, "(reference)"],
    [`(a) Postgres ms/step ÷ Redis`, p.msPerStep! / r.msPerStep!, "≥ 3.00"],
    [`(b) Redis growth exponent log2(bytes@${large}/bytes@${small})`, r.growth!, "≤ 1.20"],
    [`(b) Redis bytes@${large} ÷ Postgres`, r[`bytes@${large}`]! / p[`bytes@${large}`]!, "≤ 0.10"],
    [`(c) Redis getTuple@${most} ÷ getTuple@${fewest}`, r[`getTuple@${most}`]! / r[`getTuple@${fewest}`]!, "≤ 1.30"],
    [`(c) Postgres getTuple@${most} ÷ getTuple@${fewest}`, p[`getTuple@${most}`]! / p[`getTuple@${fewest}`]!, "(reference)"],
    [`(d) Redis steps/s ÷ Memory`, r.stepsPerSec! / m.stepsPerSec!, "≥ 0.80"],
    [`(d) Redis steps/s ÷ Postgres`, r.stepsPerSec! / p.stepsPerSec!, "≥ 3.00"],
  ] as const;
  console.log("\n| ratio | value | bar |\n| --- | --- | --- |");
  for (const [label, value, bar] of lines) console.log(`| ${label} | ${value.toFixed(2)} | ${bar} |`);
  if (quick) console.log("\n(--quick: reduced sizes; the bars apply to the full run)");
}

await main();
