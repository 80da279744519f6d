/**
 * Tracing from the CLI, in child processes: a supervisor goal with an approved webhook call
 * runs against the OpenAI stub with LANGSMITH_TRACING=true; the moment the process exits, the
 * local LangSmith endpoint holds both complete trees (first run and resume), no planted secret,
 * and `npm start -- --trace <run id>` in a new process prints the same steps (`--trace <thread
 * id>` prints both runs, in order).
 */
import { spawn } from "node:child_process";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectRedis, type RedisConnection } from "../lib/redis.js";
import { byRole } from "./support/graph-checks.js";
import { startLangSmithStub, type LangSmithStub } from "./support/langsmith-stub.js";
import { reply, startOpenAIStub, type OpenAIStub } from "./support/openai-stub.js";
import { deleteByPrefix, testRedisUrl, uniquePrefix } from "./support/redis.js";
import { expectCompleteTrace, foldedLangSmithSteps, langsmithTrace } from "./support/trace-checks.js";

const BEARER = "Bearer planted0bearer0token0123456789";
const PAYLOAD_KEY = "planted-payload-api-key-4d2c";
const OPENAI_KEY = "sk-planted-openai-key-9a8b7c";

function runCli(args: string[], env: Record<string, string>, stdin = ""): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, ["--import", "tsx", "cli/main.ts", ...args], { env: { ...process.env, ...env }, stdio: ["pipe", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk) => (stdout += chunk));
  child.stderr.on("data", (chunk) => (stderr += chunk));
  child.stdin.end(stdin);
  return new Promise((resolve) => child.on("exit", (code) => resolve({ code, stdout, stderr })));
}

describe("CLI tracing (child processes)", () => {
  let langsmith: LangSmithStub;
  let openai: OpenAIStub;
  let hook: Server;
  let redis: RedisConnection;
  const prefix = uniquePrefix("tracing-cli");
  const hooked: string[] = [];
  let env: Record<string, string>;

  beforeAll(async () => {
    redis = await connectRedis({ url: testRedisUrl(), name: "tracing-cli-test" });
    langsmith = await startLangSmithStub();
    hook = createServer((req, res) => {
      let body = "";
      req.on("data", (chunk) => (body += chunk));
      req.on("end", () => {
        hooked.push(body);
        res.end("ok");
      });
    });
    await new Promise<void>((resolve) => hook.listen(0, "127.0.0.1", resolve));
    const hookUrl = `http://127.0.0.1:${(hook.address() as AddressInfo).port}/hook`;
    openai = await startOpenAIStub();
    openai.onRequest(
      byRole({ route: "supervisor", send_webhook: "operator" }, {
        supervisor: [
          (request) =>
            JSON.stringify(request.body.messages).includes("[operator]")
              ? reply.toolCall("route", { next: "finish", task: "", answer: "The team was told." })
              : reply.toolCall("route", { next: "operator", task: "Post 'ship it' to the team hook.", answer: "" }),
        ],
        operator: [
          (request) =>
            request.body.messages.some((m: { role: string }) => m.role === "tool")
              ? reply.text("Posted.")
              : reply.toolCall("send_webhook", { url: hookUrl, payload: { text: "ship it", api_key: PAYLOAD_KEY } }),
        ],
      }),
    );
    env = {
      OPENAI_BASE_URL: openai.url,
      OPENAI_API_KEY: OPENAI_KEY,
      OPENAI_MODEL: "gpt-4o-mini",
      REDIS_URL: testRedisUrl(),
      REDIS_KEY_PREFIX: prefix,
      TOOL_NET_ALLOWLIST: "127.0.0.1",
      WORKSPACE_DIR: "./workspace/test-tracing-cli",
      LOG_LEVEL: "error",
      LANGSMITH_TRACING: "true",
      LANGSMITH_ENDPOINT: langsmith.url,
      LANGSMITH_API_KEY: "lsv2_pt_stub",
      LANGSMITH_PROJECT: "switchboard-cli-test",
    };
  });
  afterAll(async () => {
    await deleteByPrefix(redis, prefix);
    await redis.close();
    await langsmith.close();
    await openai.close();
    await new Promise((resolve) => hook.close(resolve));
  });

  it("leaves complete, secret-free LangSmith trees when it exits, and --trace prints the same steps", async () => {
    const run = await runCli(["--thread", `${prefix}t1`, `Tell the team to ship it. (auth: ${BEARER})`], env, "a\n");
    expect(run.stderr).toMatch(/■ completed/);
    expect(run.code).toBe(0);
    expect(hooked).toHaveLength(1);
    // Several segments: one Trace line for the whole thread, naming its runs in order.
    const traceLine = /Trace: npm start -- --trace (\S+) {3}\(the thread's runs in order: ([^;]+);/.exec(run.stderr);
    expect(traceLine?.[1]).toBe(`${prefix}t1`);
    const runIds = traceLine![2]!.trim().split(" ");
    expect(runIds).toHaveLength(2); // the first run (paused for approval) and the resume

    // Checked right after exit, without waiting: the CLI flushed before it exited.
    for (const runId of runIds) {
      expectCompleteTrace(langsmith.runs, runId);
      expect(run.stderr).toContain(`/r/${runId}`);
    }
    const everyTrace = new Set([...langsmith.runs.values()].map((received) => received.trace_id));
    expect(everyTrace).toEqual(new Set(runIds)); // nothing traced outside the runs' trees
    const [first, second] = runIds.map((runId) => langsmithTrace(langsmith.runs, runId));
    expect(first!.find((r) => r.id === runIds[0])!.extra?.metadata).toMatchObject({ graph_id: "supervisor", thread_id: `${prefix}t1`, client: "cli", terminal_state: "interrupted" });
    expect(second!.find((r) => r.id === runIds[1])!.extra?.metadata).toMatchObject({ terminal_state: "completed" });
    expect(first!.filter((r) => r.run_type === "llm").map((r) => [r.name, r.extra?.metadata?.agent])).toEqual([
      ["ChatOpenAI", "supervisor"],
      ["ChatOpenAI", "operator"],
    ]);
    const webhook = second!.find((r) => r.name === "send_webhook")!;
    expect(webhook).toMatchObject({ run_type: "tool" });
    expect(webhook.extra?.metadata).toMatchObject({ agent: "operator", guardrail_policy: "require_approval", approval: "approved" });

    const sent = langsmith.bodies.join("\n");
    expect(sent).toContain("ship it");
    for (const secret of ["planted0bearer0token0123456789", PAYLOAD_KEY, OPENAI_KEY]) expect(sent).not.toContain(secret);

    for (const runId of runIds) {
      const shown = await runCli(["--trace", runId], env);
      expect(shown.code).toBe(0);
      for (const secret of ["planted0bearer0token0123456789", PAYLOAD_KEY, OPENAI_KEY]) expect(shown.stdout).not.toContain(secret);
      const printed = shown.stdout
        .split("\n")
        .map((line) => /^(\s*)[■◇•◆▸·] (\S+) \[/.exec(line))
        .filter((match) => match !== null)
        .map((match) => `${match[1]!.length / 2} ${match[2]}`);
      const steps = foldedLangSmithSteps(langsmith.runs, runId);
      const depth = new Map<string, number>();
      expect(printed).toEqual(
        steps.map((step) => {
          const level = step.parentId ? depth.get(step.parentId)! + 1 : 0;
          depth.set(step.id, level);
          return `${level} ${step.name}`;
        }),
      );
    }

    // The whole thread: every run's tree, oldest first, under a header naming it.
    const whole = await runCli(["--trace", `${prefix}t1`], env);
    expect(whole.code).toBe(0);
    const headers = [...whole.stdout.matchAll(/^── run (\d) of 2 on thread \S+: (\S+)$/gm)].map((match) => [match[1], match[2]]);
    expect(headers).toEqual([["1", runIds[0]], ["2", runIds[1]]]);
  }, 120_000);

  it("sends through the older /runs/batch endpoint when multipart is not offered", async () => {
    const legacy = await startLangSmithStub({ multipart: false });
    const model = await startOpenAIStub({ defaultReply: { content: "Hi!" } });
    try {
      const run = await runCli(["--graph", "agent", "--thread", `${prefix}t2`, "say hi"], { ...env, LANGSMITH_ENDPOINT: legacy.url, OPENAI_BASE_URL: model.url });
      expect(run.code).toBe(0);
      const [runId] = [...run.stderr.matchAll(/--trace ([0-9a-f-]{36})/g)].map((match) => match[1]!);
      expect(legacy.requests).toContain("POST /runs/batch");
      expectCompleteTrace(legacy.runs, runId!);
      expect(legacy.runs.get(runId!)?.extra?.metadata).toMatchObject({ graph_id: "agent", terminal_state: "completed" });
    } finally {
      await legacy.close();
      await model.close();
    }
  }, 60_000);
});
