/**
 * Several processes on one Redis: 2 API processes (WORKERS=0) and 2 worker processes
 * (`npm run worker`), the supervisor graph on the real ChatOpenAI client against the stub. Runs
 * created through one API process are streamed, joined and cancelled through the other with the
 * official SDK client; a worker killed with SIGKILL mid-run loses nothing, does not repeat the
 * webhook it had sent, and the client following the stream through the other API sees the end,
 * its event ids counting on across the takeover (0, 1, 2, …; metadata attempt 1, then more).
 */
import { Client } from "@langchain/langgraph-sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectRedis, type RedisConnection } from "../../lib/redis.js";
import type { OpenAIStub } from "../support/openai-stub.js";
import { testRedisUrl, uniquePrefix } from "../support/redis.js";
import { scaleGoal, startScaleStub, startSwitchboard, startWebhookReceiver, type SwitchboardProcess, type WebhookReceiver } from "../support/scale-harness.js";
import { cleanQueuePrefix, eventually } from "../support/scale.js";

describe("2 API processes and 2 workers on one Redis", () => {
  const prefix = uniquePrefix("multi");
  let stub: OpenAIStub;
  let receiver: WebhookReceiver;
  let redis: RedisConnection;
  const apis: SwitchboardProcess[] = [];
  const workers: SwitchboardProcess[] = [];
  let env: Record<string, string>;
  const clients: Client[] = [];

  beforeAll(async () => {
    receiver = await startWebhookReceiver();
    stub = await startScaleStub({ webhookUrl: receiver.url, delayMs: 50, slowDelayMs: 1_500 });
    redis = await connectRedis({ url: testRedisUrl() });
    env = {
      REDIS_URL: testRedisUrl(),
      REDIS_KEY_PREFIX: prefix,
      OPENAI_API_KEY: "test",
      OPENAI_BASE_URL: stub.url,
      OPENAI_MODEL: "stub-model",
      TOOL_POLICIES: '{"send_webhook":"allow"}',
      TOOL_NET_ALLOWLIST: "127.0.0.1",
      RUN_LEASE_MS: "2000",
      WORKER_CONCURRENCY: "4",
      WORKSPACE_DIR: "./workspace/test-multi",
    };
    const started = await Promise.all([
      startSwitchboard("serve", { ...env, WORKERS: "0" }),
      startSwitchboard("serve", { ...env, WORKERS: "0" }),
      startSwitchboard("worker", env),
      startSwitchboard("worker", env),
    ]);
    apis.push(started[0]!, started[1]!);
    workers.push(started[2]!, started[3]!);
    clients.push(...apis.map((api) => new Client({ apiUrl: api.url! })));
  }, 120_000);

  afterAll(async () => {
    await Promise.all([...apis, ...workers].map((process) => process.stop("SIGKILL")));
    await stub?.close();
    await receiver?.close();
    await cleanQueuePrefix(prefix);
    await redis?.close();
  });

  const input = (goal: string) => ({ messages: [{ role: "user", content: goal }] });

  it("streams and joins through one API a run created through the other; /ready reports the API-only processes", async () => {
    const [a, b] = clients as [Client, Client];
    const thread = await a.threads.create();
    const run = await a.runs.create(thread.thread_id, "supervisor", { input: input(scaleGoal("stream", "analyst")) });
    const events: string[] = [];
    for await (const chunk of b.runs.joinStream(thread.thread_id, run.run_id)) events.push(chunk.event);
    expect(events[0]).toBe("metadata");
    const values = (await b.runs.join(thread.thread_id, run.run_id)) as { status: string; result: string };
    expect(values).toMatchObject({ status: "completed", result: "All done for job-stream." });
    expect((await a.runs.get(thread.thread_id, run.run_id)).status).toBe("success");

    const ready = await fetch(`${apis[0]!.url}/ready`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ ready: true, redis: "ok", workers: { concurrency: 0 } });
  });

  it("cancels through one API a run created through the other, while a worker runs it", async () => {
    const [a, b] = clients as [Client, Client];
    const thread = await a.threads.create();
    const run = await a.runs.create(thread.thread_id, "supervisor", { input: input(scaleGoal("slow-cancel", "analyst")) });
    await eventually(async () => expect((await b.runs.get(thread.thread_id, run.run_id)).status).toBe("running"));
    await b.runs.cancel(thread.thread_id, run.run_id, true);
    await eventually(async () => expect((await a.runs.get(thread.thread_id, run.run_id)).status).toBe("interrupted"));
    expect((await a.threads.get(thread.thread_id)).status).not.toBe("busy");
  });

  it("a worker killed with SIGKILL mid-run: another takes over, the webhook goes out under one Idempotency-Key, the stream continues to the end", async () => {
    const [a, b] = clients as [Client, Client];
    const thread = await a.threads.create();
    const run = await a.runs.create(thread.thread_id, "supervisor", { input: input(scaleGoal("slow-crash", "operator")), streamResumable: true } as never);
    const following = (async () => {
      const seen: { event: string; data: unknown }[] = [];
      for await (const chunk of b.runs.joinStream(thread.thread_id, run.run_id, { streamMode: ["values"] } as never)) seen.push(chunk);
      return seen;
    })();
    // Every event, through the other API: ids keep counting across the takeover.
    const everything = (async () => {
      const seen: { id?: string; event: string; data: unknown }[] = [];
      for await (const chunk of a.runs.joinStream(thread.thread_id, run.run_id)) seen.push(chunk);
      return seen;
    })();
    // Kill the worker holding the run once the webhook went out (the operator's answer is still slow).
    await eventually(() => expect(receiver.byJob.get("job-slow-crash")).toBe(1), 30_000);
    const lease = String(await redis.get(`${prefix}cp:{${thread.thread_id}}:lease`));
    const pid = Number(/@[^:]+:(\d+):/.exec(lease)?.[1]);
    const victim = workers.find((worker) => worker.child.pid === pid)!;
    expect(victim).toBeDefined();
    await victim.stop("SIGKILL");
    workers.push(await startSwitchboard("worker", env));

    const seen = await following;
    const final = (await b.runs.join(thread.thread_id, run.run_id)) as { status: string; result: string };
    expect(final).toMatchObject({ status: "completed", result: "All done for job-slow-crash." });
    expect(seen.at(-1)?.data).toMatchObject({ status: "completed" });
    const all = await everything;
    expect(all.map((chunk) => chunk.id)).toEqual(all.map((_, index) => String(index)));
    const attempts = all.filter((chunk) => chunk.event === "metadata").map((chunk) => (chunk.data as { attempt: number }).attempt);
    expect(attempts[0]).toBe(1);
    expect(attempts.at(-1)).toBeGreaterThan(1);
    // The promise (docs/operations.md, "Side effects once"): the call is not repeated after the
    // takeover, except when the kill fell between the delivery and its ledger record, and then
    // with the same Idempotency-Key. So: one key, at most one re-send.
    expect(receiver.keysByJob.get("job-slow-crash")?.size).toBe(1);
    expect(receiver.byJob.get("job-slow-crash")).toBeLessThanOrEqual(2);
    expect((await a.runs.get(thread.thread_id, run.run_id)).status).toBe("success");
  });
});
