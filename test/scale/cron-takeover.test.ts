/**
 * Crons across processes: two server processes on one Redis share a cron's BullMQ job scheduler.
 * The process that created the cron is killed with SIGKILL; the next ticks still fire, each once,
 * through the other process (the runs they create name their tick).
 */
import { Client } from "@langchain/langgraph-sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testRedisUrl, uniquePrefix } from "../support/redis.js";
import { startSwitchboard, startedInto, type SwitchboardProcess } from "../support/scale-harness.js";
import { cleanQueuePrefix, eventually } from "../support/scale.js";
import { duplicateTicks, firedTicks } from "../support/cron-ticks.js";

const CONFIG = new URL("../fixtures/parity/langgraph.json", import.meta.url).pathname;
const EVERY_SECOND = "* * * * * *";

describe("a cron survives the death of the process that created it", () => {
  const prefix = uniquePrefix("crons");
  const servers: SwitchboardProcess[] = [];

  beforeAll(async () => {
    const env = { REDIS_URL: testRedisUrl(), REDIS_KEY_PREFIX: prefix, WORKSPACE_DIR: "./workspace/test-crons" };
    await startedInto(servers, [startSwitchboard("serve", env, ["--config", CONFIG]), startSwitchboard("serve", env, ["--config", CONFIG])]);
  }, 200_000);

  afterAll(async () => {
    await Promise.all(servers.map((server) => server.stop("SIGKILL")));
    await cleanQueuePrefix(prefix);
  });

  it("fires every tick once before and after SIGKILL of the owner", async () => {
    const [owner, survivor] = servers.map((server) => new Client({ apiUrl: server.url! })) as [Client, Client];
    const thread = await owner.threads.create();
    const cron = await owner.crons.createForThread(thread.thread_id, "keeper", { schedule: EVERY_SECOND, input: {}, multitaskStrategy: "enqueue" });
    await eventually(async () => expect((await firedTicks(survivor, thread.thread_id)).length).toBeGreaterThanOrEqual(2), 60_000, 200);
    await servers[0]!.stop("SIGKILL");
    const killedAt = Date.now();
    const after = await eventually(async () => {
      const ticks = (await firedTicks(survivor, thread.thread_id)).filter((tick) => tick > killedAt);
      expect(ticks.length).toBeGreaterThanOrEqual(3);
      return ticks;
    }, 90_000, 200);
    await survivor.crons.delete(cron.cron_id);
    const ticks = await firedTicks(survivor, thread.thread_id);
    expect(duplicateTicks(ticks)).toEqual([]);
    expect(after.length).toBeGreaterThanOrEqual(3);
    // Ticks after the kill are consecutive seconds: the survivor missed none of them.
    expect(after.slice(1).map((tick, index) => tick - after[index]!)).toEqual(after.slice(1).map(() => 1000));
  }, 200_000);
});
