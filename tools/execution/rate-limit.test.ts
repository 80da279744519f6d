import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getEnv } from "../../lib/env.js";
import { connectRedis, type RedisConnection } from "../../lib/redis.js";
import { createMemoryRateLimiter, createRedisRateLimiter, rateLimitKey } from "./rate-limit.js";

describe("memory token bucket", () => {
  it("allows the capacity, then refills over time", async () => {
    let now = 0;
    const limiter = createMemoryRateLimiter({ now: () => now });
    const rule = { capacity: 2, refillPerSecond: 1 };
    expect((await limiter.take("t", rule)).allowed).toBe(true);
    expect((await limiter.take("t", rule)).allowed).toBe(true);
    expect(await limiter.take("t", rule)).toEqual({ allowed: false, retryAfterMs: 1_000 });
    expect((await limiter.take("other", rule)).allowed).toBe(true);
    now = 1_000;
    expect((await limiter.take("t", rule)).allowed).toBe(true);
  });
});

describe("Redis token bucket", () => {
  const prefix = `test:ratelimit:${randomUUID()}:`;
  let first: RedisConnection;
  let second: RedisConnection;
  const url = getEnv().REDIS_URL ?? "redis://127.0.0.1:6379";

  beforeAll(async () => {
    first = await connectRedis({ url, name: "test-ratelimit-1" });
    second = await connectRedis({ url, name: "test-ratelimit-2" });
  });
  afterAll(async () => {
    await first.del([rateLimitKey(prefix, "http_fetch"), rateLimitKey(prefix, "send_webhook")]);
    await first.close();
    await second.close();
  });

  it("shares one bucket across connections (processes), atomically", async () => {
    const rule = { capacity: 3, refillPerSecond: 0.001 };
    const a = createRedisRateLimiter(first, { keyPrefix: prefix });
    const b = createRedisRateLimiter(second, { keyPrefix: prefix });
    const results = await Promise.all([a.take("http_fetch", rule), b.take("http_fetch", rule), a.take("http_fetch", rule), b.take("http_fetch", rule)]);
    expect(results.filter((result) => result.allowed)).toHaveLength(3);
    const denied = results.find((result) => !result.allowed)!;
    expect(denied.retryAfterMs).toBeGreaterThan(900_000);
    expect(rateLimitKey(prefix, "http_fetch")).toBe(`${prefix}ratelimit:{tool:http_fetch}`);
    expect(await first.pTTL(rateLimitKey(prefix, "http_fetch"))).toBeGreaterThan(0);
  });

  it("falls back to in-process buckets while Redis is unreachable", async () => {
    const lost = await connectRedis({ url, name: "test-ratelimit-lost" });
    await lost.close();
    const warnings: unknown[] = [];
    const logger = { warn: (...args: unknown[]) => warnings.push(args) } as never;
    const limiter = createRedisRateLimiter(lost, { keyPrefix: prefix, logger });
    const rule = { capacity: 1, refillPerSecond: 0.001 };
    expect((await limiter.take("send_webhook", rule)).allowed).toBe(true);
    expect((await limiter.take("send_webhook", rule)).allowed).toBe(false);
    expect(warnings).toHaveLength(1);
  });
});
