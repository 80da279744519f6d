/**
 * The graphs end to end with the real ChatOpenAI client over HTTP against the OpenAI-compatible
 * stub, checkpoints in real Redis: tool calls, streamed chunks, 429/500/timeout sequences,
 * malformed arguments, unknown tools and a stuck model. Each scenario checks the terminal
 * state, what the model saw, and that the checkpoints are consistent.
 */
import { HumanMessage } from "@langchain/core/messages";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseEnv } from "../lib/env.js";
import { CircuitBreakerRegistry } from "../lib/models.js";
import { connectRedis, type RedisConnection } from "../lib/redis.js";
import { RedisSaver } from "../memory/index.js";
import { calculatorTool } from "../tools/index.js";
import { createModelProvider, createSpecialist } from "../agents/index.js";
import { createSupervisorBuilder } from "../graphs/supervisor/graph.js";
import { createAgentBuilder } from "../graphs/agent/graph.js";
import { estimateTokens, reply, startOpenAIStub, type OpenAIStub } from "./support/openai-stub.js";
import { byRole, expectConsistentCheckpoints, sentMessages } from "./support/graph-checks.js";
import { deleteByPrefix, testRedisUrl, uniquePrefix } from "./support/redis.js";

const ROLES = { route: "supervisor", calculator: "analyst" };
const route = (next: string, task = "", answer = "") => reply.toolCall("route", { next, task, answer });

describe("graphs over HTTP with ChatOpenAI and RedisSaver", () => {
  let stub: OpenAIStub;
  let redis: RedisConnection;
  let saver: RedisSaver;
  const prefix = uniquePrefix("graphs-e2e");

  beforeAll(async () => {
    stub = await startOpenAIStub();
    redis = await connectRedis({ url: testRedisUrl(), name: "graphs-e2e" });
    saver = new RedisSaver(redis, { keyPrefix: prefix });
    await saver.setup();
  });
  afterAll(async () => {
    await deleteByPrefix(redis, prefix);
    await saver.end();
    await stub.close();
  });

  const models = (timeoutMs = 2_000) =>
    createModelProvider({
      env: parseEnv({ OPENAI_API_KEY: "test", OPENAI_BASE_URL: stub.url, OPENAI_MODEL: "stub-model", OPENAI_TIMEOUT_MS: String(timeoutMs), OPENAI_MAX_RETRIES: "3" }),
      resilience: { breakers: new CircuitBreakerRegistry(), sleep: async () => {} },
    });

  const supervisor = (timeoutMs?: number) => {
    const provider = models(timeoutMs);
    const analyst = createSpecialist({ name: "analyst", description: "computes exactly", prompt: "You are the analyst.", tools: [calculatorTool], maxIterations: 6 }, { models: provider });
    return createSupervisorBuilder({ models: provider, subagents: [analyst] }).compile({ checkpointer: saver });
  };

  const run = async (graph: ReturnType<typeof supervisor>, goal: string, thread: string, streamMessages = false) => {
    const config = { configurable: { thread_id: `${prefix}${thread}` } };
    let chunks = 0;
    if (streamMessages) {
      for await (const [mode] of await graph.stream({ messages: [new HumanMessage(goal)] }, { ...config, streamMode: ["messages", "values"], subgraphs: false })) {
        if (mode === "messages") chunks += 1;
      }
      return { out: (await graph.getState(config)).values, config, chunks };
    }
    return { out: await graph.invoke({ messages: [new HumanMessage(goal)] }, config), config, chunks };
  };

  it("routes, calls a tool, streams the answer, and accounts every token the endpoint reported", async () => {
    stub.requests.length = 0;
    const handler = byRole(ROLES, {
      supervisor: [route("analyst", "Compute 1/3 + 1/6 exactly."), route("finish", "", "1/3 + 1/6 = 1/2.")],
      analyst: [reply.toolCall("calculator", { expression: "1/3 + 1/6" }), reply.text("The exact sum is one half, written 1/2, as the calculator confirmed.")],
    });
    stub.onRequest(handler);
    const graph = supervisor();
    const { out, config, chunks } = await run(graph, "What is 1/3 + 1/6?", "happy", true);

    expect(out.status).toBe("completed");
    expect(out.result).toBe("1/3 + 1/6 = 1/2.");
    expect(handler.order).toEqual(["supervisor", "analyst", "analyst", "supervisor"]);
    expect(stub.chatRequests.every((request) => request.body.stream === true)).toBe(true);
    expect(chunks).toBeGreaterThan(4);
    // The analyst saw the calculator's exact result; the supervisor saw the analyst's answer.
    const toolMessage = sentMessages(stub.chatRequests[2]!).find((m) => m.role === "tool");
    expect(toolMessage?.content).toMatch(/"result":"1\/2"/);
    expect(JSON.stringify(sentMessages(stub.chatRequests[3]!))).toContain("The exact sum is one half");
    // Usage is exactly what the endpoint reported, summed over every call.
    const promptTokens = stub.chatRequests.reduce((sum, request) => sum + estimateTokens(JSON.stringify(request.body.messages)), 0);
    expect(out.usage.inputTokens).toBe(promptTokens);
    expect(out.usage.modelCalls).toBe(4);
    await expectConsistentCheckpoints(graph as never, config, out);
    stub.onRequest(undefined);
  });

  it("rides out 429, 500 and a timeout with retries and completes", async () => {
    stub.requests.length = 0;
    stub.enqueue(reply.error(429, { retryAfterSeconds: 0 }), reply.error(500), reply.hang(3_000, { content: "too late" }));
    stub.onRequest(byRole(ROLES, { supervisor: [route("finish", "", "fine after retries")] }));
    const graph = supervisor(500);
    const { out, config } = await run(graph, "hello", "retries");
    expect(out.status).toBe("completed");
    expect(out.result).toBe("fine after retries");
    expect(stub.chatRequests).toHaveLength(4);
    expect(out.usage.modelCalls).toBe(1);
    await expectConsistentCheckpoints(graph as never, config, out);
    stub.onRequest(undefined);
  });

  it("ends in failed, with the reason, when the endpoint stays down", async () => {
    stub.requests.length = 0;
    stub.onRequest(() => reply.error(503, { message: "maintenance" }));
    const graph = supervisor(500);
    const { out, config } = await run(graph, "hello", "down");
    expect(out.status).toBe("failed");
    expect(out.statusReason).toMatch(/could not decide/);
    expect(out.result).toMatch(/Stopped before finishing/);
    expect(stub.chatRequests).toHaveLength(4);
    await expectConsistentCheckpoints(graph as never, config, out);
    stub.onRequest(undefined);
  });

  it("returns malformed JSON arguments and unknown tools to the model as errors it corrects", async () => {
    stub.requests.length = 0;
    stub.onRequest(
      byRole(ROLES, {
        supervisor: [route("analyst", "Compute 6*7."), route("finish", "", "42")],
        analyst: [
          reply.toolCall("calculator", '{"expression": "6*'),
          reply.toolCall("teleport", { to: "mars" }),
          reply.toolCall("calculator", { expression: "6*7" }),
          reply.text("42"),
        ],
      }),
    );
    const graph = supervisor();
    const { out, config } = await run(graph, "6 times 7?", "malformed");
    expect(out.status).toBe("completed");
    const analystRequests = stub.chatRequests.filter((request) => request.body.tools?.some((t: { function: { name: string } }) => t.function.name === "calculator"));
    const toolAnswers = sentMessages(analystRequests.at(-1)!).filter((m) => m.role === "tool").map((m) => m.content);
    expect(toolAnswers[0]).toMatch(/not valid JSON/);
    expect(toolAnswers[1]).toMatch(/no tool named 'teleport'/);
    expect(toolAnswers[2]).toMatch(/"result":"42"/);
    await expectConsistentCheckpoints(graph as never, config, out);
    stub.onRequest(undefined);
  });

  it("stops a model stuck repeating one call in loop_detected, after telling it so", async () => {
    stub.requests.length = 0;
    stub.onRequest(() => reply.toolCall("calculator", { expression: "2+2" }));
    const graph = createAgentBuilder({ models: models(), tools: { calculator: calculatorTool } }, { tools: ["calculator"], maxIterations: 10 }).compile({ checkpointer: saver });
    const config = { configurable: { thread_id: `${prefix}stuck` } };
    const out = await graph.invoke({ messages: [new HumanMessage("2+2?")] }, config);
    expect(out.status).toBe("loop_detected");
    const last = sentMessages(stub.chatRequests.at(-1)!);
    expect(last.filter((m) => m.role === "tool" && /"result":"4"/.test(m.content ?? ""))).toHaveLength(2);
    expect(last.some((m) => m.role === "tool" && /Loop detected/.test(m.content ?? ""))).toBe(true);
    expect(stub.chatRequests).toHaveLength(4);
    await expectConsistentCheckpoints(graph as never, config, out);
    stub.onRequest(undefined);
  });
});
