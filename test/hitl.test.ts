/**
 * Human in the loop: a side-effecting call pauses the run for approval; the human approves,
 * edits or rejects, and the run goes on from its checkpoint in Redis, also in a new process.
 */
import { HumanMessage } from "@langchain/core/messages";
import { Command } from "@langchain/langgraph";
import { spawn } from "node:child_process";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resetEnvForTests } from "../lib/env.js";
import { connectRedis, type RedisConnection } from "../lib/redis.js";
import { ScriptedChatModel, type ScriptedReply } from "../lib/scripted/scripted-chat-model.js";
import { RedisSaver } from "../memory/index.js";
import { createSpecialist, staticModels } from "../agents/index.js";
import { createSupervisorBuilder } from "../graphs/supervisor/graph.js";
import { main } from "../cli/main.js";
import { sendTool } from "./support/fake-tools.js";
import { reply, startOpenAIStub, type OpenAIStub } from "./support/openai-stub.js";
import { byRole, expectConsistentCheckpoints } from "./support/graph-checks.js";
import { deleteByPrefix, testRedisUrl, uniquePrefix } from "./support/redis.js";

const route = (next: string, task = "", answer = ""): ScriptedReply => ({ structured: { next, task, answer } });
type Paused = { __interrupt__?: { id: string; value: { type: string; tool: string; args: Record<string, unknown> } }[] };

describe("human in the loop", () => {
  let redis: RedisConnection;
  let saver: RedisSaver;
  const prefix = uniquePrefix("hitl");

  beforeAll(async () => {
    redis = await connectRedis({ url: testRedisUrl(), name: "hitl" });
    saver = new RedisSaver(redis, { keyPrefix: prefix });
    await saver.setup();
  });
  afterAll(async () => {
    await deleteByPrefix(redis, prefix);
    await saver.end();
  });

  function setup(operatorReplies: ScriptedReply[], finish = "done") {
    const tool = sendTool();
    const operator = new ScriptedChatModel({ replies: operatorReplies });
    const provider = staticModels({ supervisor: new ScriptedChatModel({ replies: [route("operator", "Tell the team: ship it."), route("finish", "", finish)] }), operator });
    const subagent = createSpecialist({ name: "operator", description: "sends notes", prompt: "You are the operator.", tools: [tool], maxIterations: 4 }, { models: provider });
    const graph = createSupervisorBuilder({ models: provider, subagents: [subagent] }).compile({ checkpointer: saver });
    return { tool, operator, graph };
  }

  const start = async (graph: ReturnType<typeof setup>["graph"], thread: string) => {
    const config = { configurable: { thread_id: `${prefix}${thread}` } };
    const paused = (await graph.invoke({ messages: [new HumanMessage("Tell the team to ship it.")] }, config)) as Paused;
    return { config, paused };
  };

  it("pauses before the side effect and runs it once when approved", async () => {
    const { tool, graph } = setup([{ toolCalls: [{ name: "send_note", args: { text: "ship it" } }] }, "sent"]);
    const { config, paused } = await start(graph, "approve");
    expect(paused.__interrupt__?.[0]?.value).toMatchObject({ type: "tool_approval", tool: "send_note", args: { text: "ship it" } });
    expect(tool.sent).toHaveLength(0);
    const out = await graph.invoke(new Command({ resume: { decision: "approve" } }), config);
    expect(out.status).toBe("completed");
    expect(tool.sent).toEqual([{ text: "ship it" }]);
    await expectConsistentCheckpoints(graph as never, config, out);
  });

  it("runs the edited arguments, and the model is told they were changed", async () => {
    const { tool, operator, graph } = setup([{ toolCalls: [{ name: "send_note", args: { text: "ship it" } }] }, "sent"]);
    const { config } = await start(graph, "edit");
    const out = await graph.invoke(new Command({ resume: { decision: "edit", args: { text: "ship it on Monday" } } }), config);
    expect(out.status).toBe("completed");
    expect(tool.sent).toEqual([{ text: "ship it on Monday" }]);
    expect(String(operator.calls.at(-1)!.messages.at(-1)!.content)).toMatch(/reviewer changed the arguments/);
  });

  it("does not run a rejected call; the model sees the reason and the run ends rejected", async () => {
    const { tool, operator, graph } = setup([{ toolCalls: [{ name: "send_note", args: { text: "ship it" } }] }, "Not sent: rejected."], "Nothing was sent.");
    const { config } = await start(graph, "reject");
    const out = await graph.invoke(new Command({ resume: { decision: "reject", reason: "wait for QA" } }), config);
    expect(tool.sent).toHaveLength(0);
    expect(String(operator.calls.at(-1)!.messages.at(-1)!.content)).toMatch(/rejected.*wait for QA/);
    expect(out.status).toBe("rejected");
    expect(out.result).toBe("Nothing was sent.");
    await expectConsistentCheckpoints(graph as never, config, out);
  });

  describe("resuming from Redis in a new process (the CLI)", () => {
    let stub: OpenAIStub;
    let hook: Server;
    const received: { body: string; key: string | undefined }[] = [];
    const saved = { ...process.env };

    beforeAll(async () => {
      hook = createServer((req, res) => {
        let body = "";
        req.on("data", (chunk) => (body += chunk));
        req.on("end", () => {
          received.push({ body, key: req.headers["idempotency-key"] as string | undefined });
          res.end("ok");
        });
      });
      await new Promise<void>((resolve) => hook.listen(0, "127.0.0.1", resolve));
      const hookUrl = `http://127.0.0.1:${(hook.address() as AddressInfo).port}/hook`;
      stub = await startOpenAIStub();
      stub.onRequest(
        byRole({ route: "supervisor", send_webhook: "operator" }, {
          supervisor: [
            (request) => (JSON.stringify(request.body.messages).includes("[operator]") ? reply.toolCall("route", { next: "finish", task: "", answer: "The team was told." }) : reply.toolCall("route", { next: "operator", task: "Post 'ship it' to the team hook.", answer: "" })),
          ],
          operator: [(request) => (request.body.messages.some((m: { role: string }) => m.role === "tool") ? reply.text("Posted.") : reply.toolCall("send_webhook", { url: hookUrl, payload: { text: "ship it" } }))],
        }),
      );
    });
    afterAll(async () => {
      process.env = saved;
      resetEnvForTests();
      await stub.close();
      await new Promise((resolve) => hook.close(resolve));
    });

    it("pauses in one process and finishes in another, running the approved call once", async () => {
      const env = {
        OPENAI_BASE_URL: stub.url,
        OPENAI_API_KEY: "test",
        REDIS_URL: testRedisUrl(),
        REDIS_KEY_PREFIX: prefix,
        TOOL_NET_ALLOWLIST: "127.0.0.1",
        WORKSPACE_DIR: "./workspace/test-hitl",
        LOG_LEVEL: "error",
      };
      Object.assign(process.env, env);
      resetEnvForTests();
      const thread = `cli-${Date.now()}`;
      const lines: string[] = [];
      const out = { info: (line: string) => void lines.push(line), answer: (text: string) => void lines.push(text) };
      // First process (this one): the human does not answer; the run stays paused in Redis.
      const code = await main(["--thread", thread, "Tell the team to ship it."], { out, asker: { ask: async () => undefined, close() {} } });
      expect(code).toBe(3);
      expect(lines.join("\n")).toMatch(/Approval needed: operator wants to call send_webhook/);
      expect(received).toHaveLength(0);

      // Second process: resume from Redis and approve.
      const child = spawn(process.execPath, ["--import", "tsx", "cli/main.ts", "--thread", thread, "--resume"], {
        env: { ...process.env, ...env },
        stdio: ["pipe", "pipe", "pipe"],
      });
      let stdout = "";
      let stderr = "";
      child.stdout.on("data", (chunk) => (stdout += chunk));
      child.stderr.on("data", (chunk) => (stderr += chunk));
      child.stdin.end("a\n");
      const exit = await new Promise<number | null>((resolve) => child.on("exit", resolve));
      expect(stderr).toMatch(/■ completed/);
      expect(exit).toBe(0);
      expect(stdout).toContain("The team was told.");
      expect(received).toHaveLength(1);
      expect(JSON.parse(received[0]!.body)).toEqual({ text: "ship it" });
      expect(received[0]!.key).toMatch(/^sb-/);
    }, 120_000);
  });
});
