import { AIMessage } from "@langchain/core/messages";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { connectRedis, type RedisConnection } from "../../lib/redis.js";
import { deleteByPrefix, testRedisUrl, uniquePrefix } from "../../test/support/redis.js";
import { createMemoryCallLedger, createRedisCallLedger, TOOL_LEDGER_CONFIG_KEY, type ToolCallLedger } from "./call-ledger.js";
import { executeToolCalls } from "./executor.js";
import { defineTool, type ToolExecutionContext } from "../types.js";

const delivered: string[] = [];
const notify = defineTool({
  name: "notify",
  description: "Sends a notification to the outside world (external side effect).",
  schema: z.object({ text: z.string() }),
  timeoutMs: 1_000,
  sideEffect: "external_side_effect",
  run: async ({ text }, ctx) => {
    delivered.push(`${ctx.idempotencyKey}:${text}`);
    return `delivered #${delivered.length}`;
  },
});
const lookup = defineTool({
  name: "lookup",
  description: "Reads something; no side effect, never recorded.",
  schema: z.object({}),
  timeoutMs: 1_000,
  sideEffect: "read_only",
  run: async () => `read #${delivered.push("read")}`,
});

const message = (id: string) => new AIMessage({ content: "", tool_calls: [{ name: "notify", args: { text: "hi" }, id, type: "tool_call" }, { name: "lookup", args: {}, id: `${id}_r`, type: "tool_call" }] });
const ctx = (ledger: ToolCallLedger, checkpointId = "cp1"): ToolExecutionContext => ({
  threadId: "t1",
  runId: "r1",
  graphId: "g",
  agent: "a",
  toolCallsUsed: 0,
  toolCallBudget: 10,
  checkpointId,
  config: { configurable: { [TOOL_LEDGER_CONFIG_KEY]: ledger } },
});
const policies = { policies: { notify: "allow" as const } };

describe("idempotency ledger of side-effecting tool calls", () => {
  it("a re-run step answers with the recorded result instead of repeating the side effect; read-only calls run again", async () => {
    delivered.length = 0;
    const ledger = createMemoryCallLedger();
    const first = await executeToolCalls(message("c1"), [notify, lookup], ctx(ledger), policies);
    const again = await executeToolCalls(message("c1"), [notify, lookup], ctx(ledger), policies);
    expect(delivered.filter((entry) => entry !== "read")).toHaveLength(1);
    expect(delivered.filter((entry) => entry === "read")).toHaveLength(2);
    expect(again.messages[0]!.content).toBe(first.messages[0]!.content);
    // Another checkpoint (a new step) or another call id is a new call.
    await executeToolCalls(message("c1"), [notify, lookup], ctx(ledger, "cp2"), policies);
    await executeToolCalls(message("c2"), [notify, lookup], ctx(ledger), policies);
    expect(delivered.filter((entry) => entry !== "read")).toHaveLength(3);
  });

  it("a call interrupted mid-flight (started, never recorded) runs again with the same idempotency key", async () => {
    delivered.length = 0;
    const ledger = createMemoryCallLedger();
    await executeToolCalls(message("c3"), [notify], ctx(ledger), policies);
    for (const key of ledger.entries.keys()) (ledger.entries as Map<string, string>).set(key, "started");
    await executeToolCalls(message("c3"), [notify], ctx(ledger), policies);
    expect(delivered).toHaveLength(2);
    expect(delivered[0]).toBe(delivered[1]);
  });

  it("does not run the side effect when the ledger cannot record it", async () => {
    delivered.length = 0;
    const broken: ToolCallLedger = { begin: async () => Promise.reject(new Error("redis away")), complete: async () => {} };
    const result = await executeToolCalls(message("c4"), [notify], ctx(broken), policies);
    expect(delivered).toHaveLength(0);
    expect(result.messages[0]!.content).toMatch(/was not run because its call could not be recorded/);
  });

  describe("in Redis", () => {
    let redis: RedisConnection;
    const prefix = uniquePrefix("ledger");
    beforeAll(async () => {
      redis = await connectRedis({ url: testRedisUrl() });
    });
    afterAll(async () => {
      await deleteByPrefix(redis, prefix);
      await redis.close();
    });

    it("refuses a side effect once the run's thread lease moved to another worker", async () => {
      delivered.length = 0;
      const leaseKey = `${prefix}cp:{t1}:lease`;
      await redis.set(leaseKey, "5:run@worker-a");
      const fenced = createRedisCallLedger(redis, { keyPrefix: `${prefix}fenced:`, fence: { key: leaseKey, holds: "5:" } });
      await executeToolCalls(message("f1"), [notify], ctx(fenced), policies);
      expect(delivered).toHaveLength(1);
      await redis.set(leaseKey, "6:run@worker-b");
      const refused = await executeToolCalls(message("f2"), [notify], ctx(fenced), policies);
      expect(delivered).toHaveLength(1);
      expect(refused.messages[0]!.content).toMatch(/was not run because its call could not be recorded/);
      await redis.del(leaseKey);
    });

    it("keeps the record across ledger instances (processes), under the thread's hash tag", async () => {
      delivered.length = 0;
      await executeToolCalls(message("c5"), [notify], ctx(createRedisCallLedger(redis, { keyPrefix: prefix })), policies);
      const second = await executeToolCalls(message("c5"), [notify], ctx(createRedisCallLedger(redis, { keyPrefix: prefix })), policies);
      expect(delivered).toHaveLength(1);
      expect(second.messages[0]!.content).toBe("delivered #1");
      const keys: string[] = [];
      for await (const batch of (redis as never as { scanIterator(o: unknown): AsyncIterable<string[]> }).scanIterator({ MATCH: `${prefix}tool:*` })) keys.push(...batch);
      expect(keys).toHaveLength(1);
      expect(keys[0]).toMatch(new RegExp(`^${prefix}tool:\\{t1\\}:sb-[0-9a-f]{40}$`));
    });
  });
});
