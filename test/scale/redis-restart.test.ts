/**
 * Redis restarts in the middle of a run (a private redis-server on port 30100 with the append-only
 * file, so its data survives): the worker pauses, and the run finishes once Redis is back, with no
 * manual step and without repeating the webhook it had sent.
 */
import { Client } from "@langchain/langgraph-sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { OpenAIStub } from "../support/openai-stub.js";
import { startRedisServer, uniquePrefix, type RedisProcess } from "../support/redis.js";
import { scaleGoal, startScaleStub, startSwitchboard, startedInto, startWebhookReceiver, type SwitchboardProcess, type WebhookReceiver } from "../support/scale-harness.js";
import { eventually } from "../support/scale.js";

const PORT = 30100;
const PERSISTENT = ["--appendonly", "yes", "--appendfsync", "always"];

describe("a Redis restart during a run", () => {
  let redis: RedisProcess;
  let stub: OpenAIStub;
  let receiver: WebhookReceiver;
  const processes: SwitchboardProcess[] = [];

  beforeAll(async () => {
    redis = await startRedisServer(PORT, PERSISTENT);
    receiver = await startWebhookReceiver();
    stub = await startScaleStub({ webhookUrl: receiver.url, delayMs: 20, slowDelayMs: 1_000 });
    const env = {
      REDIS_URL: redis.url,
      REDIS_KEY_PREFIX: uniquePrefix("restart"),
      OPENAI_API_KEY: "test",
      OPENAI_BASE_URL: stub.url,
      OPENAI_MODEL: "stub-model",
      TOOL_POLICIES: '{"send_webhook":"allow"}',
      TOOL_NET_ALLOWLIST: "127.0.0.1",
      RUN_LEASE_MS: "2000",
      WORKSPACE_DIR: "./workspace/test-restart",
    };
    await startedInto(processes, [startSwitchboard("serve", { ...env, WORKERS: "0" }), startSwitchboard("worker", env)]);
  }, 120_000);

  afterAll(async () => {
    await Promise.all(processes.map((process) => process.stop("SIGKILL")));
    await stub?.close();
    await receiver?.close();
    await redis?.kill();
  });

  it("pauses while Redis is down and finishes after it returns", async () => {
    const client = new Client({ apiUrl: processes[0]!.url! });
    const thread = await client.threads.create();
    const run = await client.runs.create(thread.thread_id, "supervisor", { input: { messages: [{ role: "user", content: scaleGoal("slow-restart", "operator") }] } });
    await eventually(() => expect(receiver.byJob.get("job-slow-restart")).toBe(1), 30_000);

    await redis.stop();
    const readyWhileDown = await fetch(`${processes[0]!.url}/ready`);
    expect(readyWhileDown.status).toBe(503);
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    redis = await startRedisServer(PORT, PERSISTENT, redis.dir);

    await eventually(async () => expect((await client.runs.get(thread.thread_id, run.run_id)).status).toBe("success"), 60_000, 250);
    const values = (await client.threads.getState(thread.thread_id)).values as { status: string; result: string };
    expect(values).toMatchObject({ status: "completed", result: "All done for job-slow-restart." });
    // Redis may stop between the webhook and the ledger's record of its result (the test stops it as
    // soon as the webhook arrives): the step then re-sends with the same Idempotency-Key, as the
    // README promises, so a receiver that honours the header still sees one side effect.
    expect(receiver.byKey.size).toBe(1);
    expect(receiver.byJob.get("job-slow-restart")).toBeLessThanOrEqual(2);
    await eventually(async () => expect((await fetch(`${processes[0]!.url}/ready`)).status).toBe(200));
  }, 120_000);
});
