/**
 * `npm run bench:crons [-- seconds]`: a cron firing every second for `seconds` (default 180) on two
 * server processes sharing one Redis (BullMQ job schedulers). Counts the ticks the cron's runs
 * name against the ticks cron-parser says fell in the window, and ticks fired twice. Prints
 * `fired`, `expected`, `duplicates`, `missing` (bar: fired = expected, duplicates = 0). Needs
 * Redis on REDIS_URL (default 127.0.0.1:6379).
 */
import { Client } from "@langchain/langgraph-sdk";
import { CronExpressionParser } from "cron-parser";
import { testRedisUrl, uniquePrefix } from "../test/support/redis.js";
import { startSwitchboard } from "../test/support/scale-harness.js";
import { cleanQueuePrefix } from "../test/support/scale.js";
import { duplicateTicks, firedTicks } from "../test/support/cron-ticks.js";

const [SECONDS = 180] = process.argv.slice(2).map(Number);
const CONFIG = new URL("../test/fixtures/parity/langgraph.json", import.meta.url).pathname;
const SCHEDULE = "* * * * * *";
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const prefix = uniquePrefix("bench-crons");
const env = { REDIS_URL: testRedisUrl(), REDIS_KEY_PREFIX: prefix, WORKSPACE_DIR: "./workspace/bench-crons" };
const servers = await Promise.all([startSwitchboard("serve", env, ["--config", CONFIG]), startSwitchboard("serve", env, ["--config", CONFIG])]);
try {
  const [a, b] = servers.map((server) => new Client({ apiUrl: server.url! })) as [Client, Client];
  const thread = await a.threads.create();
  const cron = await a.crons.createForThread(thread.thread_id, "keeper", { schedule: SCHEDULE, input: {}, multitaskStrategy: "enqueue" });
  const from = Date.now();
  for (let elapsed = 0; elapsed < SECONDS; elapsed += 10) {
    await sleep(10_000);
    process.stderr.write(`crons: ${elapsed + 10}/${SECONDS} s, ${(await firedTicks(b, thread.thread_id)).length} runs so far\n`);
  }
  await b.crons.delete(cron.cron_id);
  const to = Date.now();
  // Ticks a process had taken when the cron was deleted still create their runs: let them land.
  await sleep(3_000);
  const ticks = await firedTicks(b, thread.thread_id);
  const distinct = [...new Set(ticks)];
  const expected: number[] = [];
  const expression = CronExpressionParser.parse(SCHEDULE, { currentDate: new Date(from), endDate: new Date(to) });
  while (expression.hasNext()) expected.push(expression.next().getTime());
  // A tick at the window's edges may or may not have fired (created/deleted mid-second): count the inside.
  const inside = expected.slice(1, -1);
  const firedInside = inside.filter((tick) => distinct.includes(tick));
  console.log(JSON.stringify({ processes: 2, schedule: SCHEDULE, seconds: SECONDS, expected: inside.length, fired: firedInside.length, missing: inside.length - firedInside.length, duplicates: duplicateTicks(ticks).length, runs: ticks.length }));
} finally {
  await Promise.all(servers.map((server) => server.stop("SIGKILL")));
  await cleanQueuePrefix(prefix);
}
