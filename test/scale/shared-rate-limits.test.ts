/**
 * TOOL_RATE_LIMITS across server processes: two `npm run serve` processes on one Redis share one
 * bucket per tool, as the README promises. Each process runs the `agent` graph on a real
 * ChatOpenAI client against its own OpenAI-compatible stub, so the stub that saw a tool result
 * tells which process ran the call. The calculator gets one call per 1,000 s: the first call
 * runs, and the first call in the other process (which a per-process bucket would run) is refused.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Client } from "@langchain/langgraph-sdk";
import { connectRedis } from "../../lib/redis.js";
import { rateLimitKey } from "../../tools/execution/rate-limit.js";
import { queuePrefixesFor } from "../../server/execution/queue/index.js";
import { reply, startOpenAIStub, type OpenAIStub, type RecordedRequest } from "../support/openai-stub.js";
import { deleteByPrefix, testRedisUrl, uniquePrefix } from "../support/redis.js";
import { startSwitchboard, type SwitchboardProcess } from "../support/scale-harness.js";

const prefix = uniquePrefix("shared-rate-limits");

/** One calculator call, then an answer quoting what the tool said. */
async function calculatorStub(): Promise<OpenAIStub> {
  const stub = await startOpenAIStub();
  stub.onRequest((request) => {
    const last = (request.body.messages as { role: string; content: string }[]).at(-1)!;
    return last.role === "tool" ? reply.text(`The calculator said: ${last.content}`) : reply.toolCall("calculator", { expression: "6*7" });
  });
  return stub;
}

/** What the tool said, as the model saw it in the follow-up request. */
function toolResults(stub: OpenAIStub): string[] {
  return stub.chatRequests.flatMap((request: RecordedRequest) =>
    (request.body.messages as { role: string; content: string }[]).filter((message) => message.role === "tool").map((message) => String(message.content)),
  );
}

describe("TOOL_RATE_LIMITS on two server processes", () => {
  const stubs: OpenAIStub[] = [];
  const servers: SwitchboardProcess[] = [];

  beforeAll(async () => {
    stubs.push(await calculatorStub(), await calculatorStub());
    const env = (stub: OpenAIStub) => ({
      REDIS_URL: testRedisUrl(),
      REDIS_KEY_PREFIX: prefix,
      OPENAI_API_KEY: "sk-test-shared-rate-limits",
      OPENAI_BASE_URL: stub.url,
      TOOL_RATE_LIMITS: JSON.stringify({ calculator: { capacity: 1, refillPerSecond: 0.001 } }),
      WORKSPACE_DIR: "./workspace/test-shared-rate-limits",
    });
    servers.push(...(await Promise.all(stubs.map((stub) => startSwitchboard("serve", env(stub))))));
  }, 240_000);

  afterAll(async () => {
    await Promise.all(servers.map((server) => server.stop()));
    await Promise.all(stubs.map((stub) => stub.close()));
    const redis = await connectRedis({ url: testRedisUrl() });
    await deleteByPrefix(redis, prefix);
    for (const queuePrefix of queuePrefixesFor(prefix)) await deleteByPrefix(redis, queuePrefix);
    await redis.close();
  });

  it("share one bucket in Redis: the other process's first call is rate limited", async () => {
    const ask = { input: { messages: [{ role: "human", content: "What is 6*7?" }] } };
    // Both processes take runs from one queue, so a run created on one may execute on the other;
    // each process's own stub tells where each call ran. Runs go on until both processes ran one.
    for (let attempt = 0; attempt < 12 && stubs.some((stub) => toolResults(stub).length === 0); attempt++) {
      const server = servers[attempt % servers.length]!;
      const client = new Client({ apiUrl: server.url! });
      const thread = await client.threads.create();
      const done = (await client.runs.wait(thread.thread_id, "agent", ask)) as { status?: string };
      expect(done.status, server.logs()).toBe("completed");
    }
    const results = stubs.map(toolResults);
    expect(results.every((seen) => seen.length > 0), "both processes ran a calculator call").toBe(true);
    // One token for both: exactly one call ever ran; every other call, including the other
    // process's first (which a per-process bucket would have run), was refused.
    const ran = results.flat().filter((result) => /"result":\s*"42"/.test(result));
    expect(ran).toHaveLength(1);
    const runner = results.findIndex((seen) => seen.some((result) => /"result":\s*"42"/.test(result)));
    const other = results[1 - runner]!;
    expect(other[0]).toMatch(/calculator is rate limited; it was not run/);
    expect(results.flat().filter((result) => /rate limited/.test(result))).toHaveLength(results.flat().length - 1);

    const redis = await connectRedis({ url: testRedisUrl() });
    try {
      expect(await redis.exists(rateLimitKey(prefix, "calculator"))).toBe(1);
    } finally {
      await redis.close();
    }
  }, 120_000);
});
