/**
 * A hanging model through the server: the run's `custom` stream carries the same model-wait
 * progress the CLI prints (which agent, which attempt of how many, how long), and the run ends
 * with a reason that names the timeout, instead of minutes of silence and "Connection error".
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { staticModels } from "../agents/index.js";
import { parseEnv } from "../lib/env.js";
import { CircuitBreakerRegistry, createChatModel } from "../lib/models.js";
import { startOpenAIStub, type OpenAIStub } from "./support/openai-stub.js";
import { startTestServer, type TestServer } from "./support/server.js";

describe("a hanging model through the server", () => {
  let stub: OpenAIStub;
  let server: TestServer;

  beforeAll(async () => {
    stub = await startOpenAIStub({ defaultReply: { content: "too late", delayMs: 120_000 } });
    const env = parseEnv({ OPENAI_BASE_URL: stub.url, OPENAI_API_KEY: "test", OPENAI_TIMEOUT_MS: "1500", OPENAI_MAX_RETRIES: "1" });
    const model = createChatModel({ agent: "assistant", env, deps: { breakers: new CircuitBreakerRegistry() } });
    server = await startTestServer({ redis: false, graphDeps: { models: staticModels(model) } });
  }, 60_000);
  afterAll(async () => {
    await server?.close();
    await stub?.close();
  });

  it("streams model_wait progress as custom events and fails with a reason naming the timeout", async () => {
    const client = server.client();
    const thread = await client.threads.create();
    const custom: { type?: string; agent?: string; attempt?: number; attempts?: number; waitedMs?: number; retry?: string }[] = [];
    for await (const part of client.runs.stream(thread.thread_id, "agent", { input: { messages: [{ role: "human", content: "say hi" }] }, streamMode: ["custom"] })) {
      if (part.event === "custom") custom.push(part.data as (typeof custom)[number]);
    }
    const waits = custom.filter((event) => event.type === "model_wait");
    expect(waits.filter((wait) => !wait.retry).map((wait) => [wait.agent, wait.attempt, wait.attempts])).toEqual(
      expect.arrayContaining([["assistant", 1, 2], ["assistant", 2, 2]]),
    );
    expect(waits.every((wait) => (wait.waitedMs ?? -1) >= 0)).toBe(true);
    expect(waits.some((wait) => wait.retry?.startsWith("no response within 1.5 s; retrying in"))).toBe(true);
    const state = (await client.threads.getState(thread.thread_id)).values as { status?: string; statusReason?: string };
    expect(state.status).toBe("failed");
    expect(state.statusReason).toMatch(/Timed out: the model endpoint .* gave no response within 1\.5 s on any of 2 attempt\(s\)/);
    expect(state.statusReason).not.toMatch(/Connection error/);
  }, 60_000);
});
