/**
 * The CLI run from a script (child processes, stdin a closed pipe, not a terminal) against the
 * OpenAI stub: a looping model ends as `loop_detected` without asking; an approval pauses with
 * a hint that works (the thread remembers its graph, so `--resume` alone picks it); --approve /
 * --reject answer approvals for the run; an unknown thread, a mismatching --graph and a thread
 * with nothing to resume are named plainly; a paused run reports every model call made so far;
 * a hanging model shows its wait every few seconds and fails as a timeout.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectRedis, type RedisConnection } from "../lib/redis.js";
import { runCliProcess } from "./support/cli-process.js";
import { reply, startOpenAIStub, type OpenAIStub } from "./support/openai-stub.js";
import { deleteByPrefix, testRedisUrl, uniquePrefix } from "./support/redis.js";

const NOT_A_STACK = /^\s+at /m;

describe("CLI without a terminal (child processes)", () => {
  let redis: RedisConnection;
  let stub: OpenAIStub;
  const prefix = uniquePrefix("cli-unattended");
  let env: Record<string, string>;

  beforeAll(async () => {
    redis = await connectRedis({ url: testRedisUrl(), name: "cli-unattended-test" });
    stub = await startOpenAIStub();
    // Goals pick the behaviour: "loop" repeats one calculator call forever; "notify" wants a webhook.
    stub.onRequest((request) => {
      const text = JSON.stringify(request.body.messages);
      const goal = (request.body.messages as { role: string; content: string }[]).find((m) => m.role === "user")?.content ?? "";
      if (goal.includes("loop")) return reply.toolCall("calculator", { expression: "2 + 2" });
      const tools = ((request.body.tools ?? []) as { function: { name: string } }[]).map((tool) => tool.function.name);
      if (tools.includes("route")) {
        return text.includes("[operator]") ? reply.toolCall("route", { next: "finish", task: "", answer: "The team was told." }) : reply.toolCall("route", { next: "operator", task: "Post 'ship it' to the team hook.", answer: "" });
      }
      return request.body.messages.some((m: { role: string }) => m.role === "tool") ? reply.text("Posted.") : reply.toolCall("send_webhook", { url: "http://127.0.0.1:9/hook", payload: { text: "ship it" } });
    });
    env = {
      OPENAI_BASE_URL: stub.url,
      OPENAI_API_KEY: "test",
      REDIS_URL: testRedisUrl(),
      REDIS_KEY_PREFIX: prefix,
      // The webhook's receiver is never reached in these tests: approvals are what they are about.
      TOOL_NET_ALLOWLIST: "127.0.0.1",
      WORKSPACE_DIR: "./workspace/test-cli-unattended",
      LOG_LEVEL: "error",
    };
  });
  afterAll(async () => {
    await deleteByPrefix(redis, prefix);
    await redis.close();
    await stub.close();
  });

  it("ends a looping model as loop_detected without asking", async () => {
    const run = await runCliProcess(["--graph", "agent", "[t1] loop on this"], env);
    expect(run.stderr).toMatch(/■ loop_detected/);
    expect(run.stderr).not.toMatch(/\[c\]ontinue or \[s\]top/);
    expect(run.code).toBe(2);
  }, 120_000);

  it("pauses an approval with a hint that works: --resume alone runs the thread's own graph", async () => {
    const thread = `${prefix}t2`;
    const first = await runCliProcess(["--graph", "agent", "--thread", thread, "[t2] notify the team"], env);
    expect(first.code).toBe(3);
    expect(first.stderr).toContain(`npm start -- --thread ${thread} --resume`);

    const wrong = await runCliProcess(["--graph", "supervisor", "--thread", thread, "--resume"], env);
    expect(wrong.code).toBe(64);
    expect(wrong.stderr).toMatch(/runs the 'agent' graph, not 'supervisor'/);

    // Following the hint exactly: the approval is asked again and answered from the piped input.
    const resumed = await runCliProcess(["--thread", thread, "--resume"], env, "r\nnot today\n");
    expect(resumed.stderr).toMatch(/graph agent/);
    expect(resumed.stderr).toMatch(/Approval needed: assistant wants to call send_webhook/);
    expect(resumed.stderr).toMatch(/■ rejected/);
    expect(resumed.code).toBe(2);

    const again = await runCliProcess(["--thread", thread, "--resume"], env);
    expect(again.code).toBe(64);
    expect(again.stderr).toMatch(/has nothing to resume: its last run is not paused \(it ended: rejected/);
    expect(again.stderr).not.toMatch(NOT_A_STACK);
  }, 180_000);

  it("names an unknown thread instead of failing inside LangGraph", async () => {
    const run = await runCliProcess(["--thread", `${prefix}never-ran`, "--resume"], env);
    expect(run.code).toBe(64);
    expect(run.stderr).toMatch(/has no run to resume: nothing is recorded for it in Redis/);
    expect(run.stderr).not.toMatch(/Received no input writes|unexpected error/);
    expect(run.stderr).not.toMatch(NOT_A_STACK);
  }, 60_000);

  it("answers approvals with --approve / --reject for the whole run", async () => {
    const approved = await runCliProcess(["--graph", "agent", "--approve", "[t3] notify the team"], env);
    expect(approved.stderr).toMatch(/✓ approved assistant ▸ send_webhook \(--approve\)/);
    expect(approved.stderr).toMatch(/■ completed/);
    expect(approved.code).toBe(0);
    const rejected = await runCliProcess(["--graph", "agent", "--reject", "[t4] notify the team"], env);
    expect(rejected.stderr).toMatch(/✗ rejected assistant ▸ send_webhook \(--reject\)/);
    expect(rejected.stderr).toMatch(/■ rejected/);
    expect(rejected.code).toBe(2);
  }, 120_000);

  it("reports every model call made so far when a sub-agent's approval pauses the run", async () => {
    const before = stub.chatRequests.length;
    const run = await runCliProcess(["--thread", `${prefix}t5`, "[t5] notify the team"], env);
    expect(run.code).toBe(3);
    const shown = Number(/■ paused .*\((\d+) model call\(s\)/.exec(run.stderr)?.[1]);
    // The supervisor's routing call and the operator's call that asked for the webhook.
    expect(stub.chatRequests.length - before).toBe(2);
    expect(shown).toBe(2);
  }, 120_000);

  it("shows a hanging model's wait every few seconds and fails naming the timeout", async () => {
    const hanging = await startOpenAIStub({ defaultReply: { content: "too late", delayMs: 120_000 } });
    try {
      const run = await runCliProcess(["--graph", "agent", "[t7] say hi"], { ...env, OPENAI_BASE_URL: hanging.url, OPENAI_TIMEOUT_MS: "2000", OPENAI_MAX_RETRIES: "1" });
      expect(run.stderr).toMatch(/… assistant waiting for gpt-4o-mini: attempt 1 of 2, \d s of 2 s/);
      expect(run.stderr).toMatch(/… assistant: model attempt 1 of 2 failed \(no response within 2 s; retrying in/);
      expect(run.stderr).toMatch(/… assistant waiting for gpt-4o-mini: attempt 2 of 2/);
      expect(run.stderr).toMatch(/■ failed — .*Timed out: the model endpoint .* gave no response within 2 s on any of 2 attempt\(s\)/);
      expect(run.stderr).not.toMatch(/Connection error/);
      expect(run.code).toBe(1);
    } finally {
      await hanging.close();
    }
  }, 60_000);

  it("in memory (no REDIS_URL) gives no resume hint that cannot work, and says why a resume finds nothing", async () => {
    const memoryEnv = { ...env, REDIS_URL: "" };
    const first = await runCliProcess(["--graph", "agent", "--thread", "mem-t6", "[t6] notify the team"], memoryEnv);
    expect(first.code).toBe(3);
    expect(first.stderr).not.toContain("--thread mem-t6 --resume");
    expect(first.stderr).toMatch(/set REDIS_URL to resume paused runs later/);
    const resumed = await runCliProcess(["--thread", "mem-t6", "--resume"], memoryEnv);
    expect(resumed.code).toBe(64);
    expect(resumed.stderr).toMatch(/no run to resume here: without REDIS_URL/);
    expect(resumed.stderr).not.toMatch(NOT_A_STACK);
  }, 120_000);
});
