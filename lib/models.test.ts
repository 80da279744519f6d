import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { reply, startOpenAIStub, type OpenAIStub } from "../test/support/openai-stub.js";
import { parseEnv } from "./env.js";
import { ConfigError, UpstreamUnavailableError } from "./errors.js";
import { CircuitBreakerRegistry, createChatModel, isModelConfigured, resolveModelName } from "./models.js";
import { backoffDelay, parseRetryAfter } from "./resilient-fetch.js";

describe("model configuration", () => {
  it("says whether an endpoint is configured", () => {
    expect(isModelConfigured(parseEnv({}))).toBe(false);
    expect(isModelConfigured(parseEnv({ OPENAI_API_KEY: "sk-x" }))).toBe(true);
    expect(isModelConfigured(parseEnv({ OPENAI_BASE_URL: "http://localhost:11434/v1" }))).toBe(true);
    expect(() => createChatModel({ env: parseEnv({}) })).toThrow(ConfigError);
  });

  it("picks the per-agent model override and validates it", () => {
    const env = parseEnv({ OPENAI_MODEL: "base", OPENAI_AGENT_MODELS: '{"researcher":"big"}' });
    expect(resolveModelName(env, "researcher")).toBe("big");
    expect(resolveModelName(env, "writer")).toBe("base");
    expect(() => parseEnv({ OPENAI_AGENT_MODELS: "researcher=big" })).toThrow(/OPENAI_AGENT_MODELS.*JSON/);
    expect(() => parseEnv({ OPENAI_AGENT_MODELS: '{"Researcher":"x"}' })).toThrow(/OPENAI_AGENT_MODELS/);
  });

  it("computes backoff with jitter, never below Retry-After", () => {
    const delays = { baseDelayMs: 100, maxDelayMs: 1_000 };
    expect(backoffDelay(0, delays, () => 0)).toBe(50);
    expect(backoffDelay(3, delays, () => 0.999)).toBeLessThanOrEqual(800);
    expect(backoffDelay(10, delays, () => 1)).toBe(1_000);
    expect(backoffDelay(0, delays, () => 0, 4_000)).toBe(4_000);
    expect(parseRetryAfter(new Headers({ "retry-after": "3" }))).toBe(3_000);
    expect(parseRetryAfter(new Headers({ "retry-after-ms": "250", "retry-after": "3" }))).toBe(250);
    expect(parseRetryAfter(new Headers({ "retry-after": new Date(10_000).toUTCString() }), 4_000)).toBe(6_000);
  });
});

describe("resilient ChatOpenAI against the stub server", () => {
  let stub: OpenAIStub;
  let breakers: CircuitBreakerRegistry;
  let waits: number[];

  beforeAll(async () => {
    stub = await startOpenAIStub();
  });
  afterAll(async () => {
    await stub.close();
  });
  afterEach(() => {
    stub.requests.length = 0;
    vi.useRealTimers();
  });

  const model = (resilience: Record<string, number> = {}, fields: Record<string, unknown> = {}) => {
    breakers ??= new CircuitBreakerRegistry();
    const env = parseEnv({ OPENAI_API_KEY: "test", OPENAI_BASE_URL: stub.url, OPENAI_MODEL: "stub-model" });
    return createChatModel({
      env,
      fields,
      resilience: { maxRetries: 3, timeoutMs: 5_000, breakerThreshold: 3, breakerCooldownMs: 60_000, ...resilience },
      deps: { breakers, random: () => 0.5, sleep: async (ms) => void waits.push(ms) },
    });
  };
  const fresh = () => {
    breakers = new CircuitBreakerRegistry();
    waits = [];
  };

  it("retries a 429, honouring Retry-After, then succeeds", async () => {
    fresh();
    stub.enqueue(reply.error(429, { retryAfterSeconds: 2 }), reply.text("fine now"));
    const answer = await model().invoke("hello");
    expect(answer.content).toBe("fine now");
    expect(stub.chatRequests).toHaveLength(2);
    expect(waits).toEqual([2_000]);
  });

  it("retries 5xx with growing backoff and gives up with UpstreamUnavailableError naming the endpoint", async () => {
    fresh();
    stub.enqueue(reply.error(500), reply.error(503));
    const error = await model({ maxRetries: 1, breakerThreshold: 10 }).invoke("x").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UpstreamUnavailableError);
    expect((error as Error).message).toContain(stub.url);
    expect((error as Error).message).toMatch(/2 attempt\(s\).*HTTP 503/);
    expect(stub.chatRequests).toHaveLength(2);
    expect(waits).toHaveLength(1);
  });

  it("retries a timed-out attempt", async () => {
    fresh();
    stub.enqueue(reply.hang(30_000), reply.text("second try"));
    const answer = await model({ timeoutMs: 150 }).invoke("slow");
    expect(answer.content).toBe("second try");
    expect(stub.chatRequests).toHaveLength(2);
  });

  it("does not retry a client error", async () => {
    fresh();
    stub.enqueue(reply.error(400, { message: "bad request" }));
    await expect(model().invoke("x")).rejects.toMatchObject({ status: 400 });
    expect(stub.chatRequests).toHaveLength(1);
  });

  it("retries a streaming call that fails before its first chunk", async () => {
    fresh();
    stub.enqueue(reply.error(502), reply.text("streamed answer"));
    let text = "";
    for await (const chunk of await model({}, { streaming: true }).stream("go")) text += String(chunk.content);
    expect(text).toBe("streamed answer");
    expect(stub.chatRequests).toHaveLength(2);
  });

  it("does not retry a stream that breaks after it started (part of it was already delivered)", async () => {
    fresh();
    stub.enqueue(reply.disconnect(3, reply.text("a long answer that is cut off")));
    const consume = async () => {
      for await (const chunk of await model({}, { streaming: true }).stream("go")) void chunk;
    };
    await expect(consume()).rejects.toThrow();
    expect(stub.chatRequests).toHaveLength(1);
  });

  it("hides credentials of the endpoint in errors", async () => {
    const { displayEndpoint } = await import("./resilient-fetch.js");
    expect(displayEndpoint("https://user:secret@gateway.example/v1?key=abc")).toBe("https://gateway.example/v1");
  });

  it("opens the breaker after N consecutive failures, fails fast, and closes after the cool-down", async () => {
    fresh();
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(new Date("2030-01-01T00:00:00Z"));
    stub.enqueue(reply.error(500), reply.error(500), reply.error(500));
    const first = await model({ maxRetries: 5 }).invoke("x").catch((e: unknown) => e);
    expect(first).toBeInstanceOf(UpstreamUnavailableError);
    expect((first as Error).message).toMatch(/failed 3 times in a row.*2030-01-01T00:01:00.000Z \(in 60 s\)/);
    expect((first as UpstreamUnavailableError).retryAfterSeconds).toBe(60);
    expect(stub.chatRequests).toHaveLength(3);
    expect(breakers.state(`${stub.url}|stub-model`)).toBe("open");

    stub.enqueue(reply.text("should not be asked"));
    await expect(model().invoke("again")).rejects.toThrow(/fail fast until/);
    expect(stub.chatRequests).toHaveLength(3);

    vi.setSystemTime(new Date("2030-01-01T00:01:00.001Z"));
    expect((await model().invoke("after cool-down")).content).toBe("should not be asked");
    expect(breakers.state(`${stub.url}|stub-model`)).toBe("closed");
  });
});
