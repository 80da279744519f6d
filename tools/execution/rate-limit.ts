/**
 * Per-tool rate limits as token buckets. In Redis when Redis is configured, so the limit holds
 * across every process serving runs; in memory otherwise. While Redis is away the Redis limiter
 * falls back to an in-process bucket instead of failing tool calls: a rate limit protects
 * upstreams, it is not worth stopping runs for.
 */
import type { Logger } from "../../lib/logger.js";
import type { RedisConnection } from "../../lib/redis.js";
import { RedisScript, runScript } from "../../lib/redis-scripts.js";

/** A bucket of `capacity` tokens refilled at `refillPerSecond`; one call takes one token. */
export interface RateLimitRule {
  capacity: number;
  refillPerSecond: number;
}

/** The outcome of taking a token. */
export interface RateLimitDecision {
  allowed: boolean;
  /** When not allowed: milliseconds until a token is available. */
  retryAfterMs: number;
}

/** Takes tokens from per-tool buckets. */
export interface ToolRateLimiter {
  /** Takes one token from `tool`'s bucket. */
  take(tool: string, rule: RateLimitRule): Promise<RateLimitDecision>;
}

/** An in-process limiter (one bucket per tool per process). */
export function createMemoryRateLimiter(options: { now?: () => number } = {}): ToolRateLimiter {
  const now = options.now ?? Date.now;
  const buckets = new Map<string, { tokens: number; at: number }>();
  return {
    async take(tool, rule) {
      const at = now();
      const bucket = buckets.get(tool) ?? { tokens: rule.capacity, at };
      const tokens = Math.min(rule.capacity, bucket.tokens + ((at - bucket.at) / 1000) * rule.refillPerSecond);
      if (tokens >= 1) {
        buckets.set(tool, { tokens: tokens - 1, at });
        return { allowed: true, retryAfterMs: 0 };
      }
      buckets.set(tool, { tokens, at });
      return { allowed: false, retryAfterMs: Math.ceil(((1 - tokens) / rule.refillPerSecond) * 1000) };
    },
  };
}

// One round trip, atomic: read the bucket, refill it for the time passed (Redis' own clock, so
// processes with skewed clocks agree), take a token if there is one, write it back with a TTL
// of one full refill so idle buckets disappear.
const TOKEN_BUCKET = new RedisScript("tokenBucket", `
local capacity = tonumber(ARGV[1])
local per_ms = tonumber(ARGV[2]) / 1000
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local state = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(state[1]) or capacity
local at = tonumber(state[2]) or now
tokens = math.min(capacity, tokens + math.max(0, now - at) * per_ms)
local allowed = 0
local wait = 0
if tokens >= 1 then
  tokens = tokens - 1
  allowed = 1
else
  wait = math.ceil((1 - tokens) / per_ms)
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(now))
redis.call('PEXPIRE', KEYS[1], math.ceil(capacity / per_ms) + 1000)
return {allowed, wait}
`);

/** The Redis key of a tool's bucket; the hash tag keeps it on one cluster slot whatever is appended later. */
export function rateLimitKey(keyPrefix: string, tool: string): string {
  return `${keyPrefix}ratelimit:{tool:${tool}}`;
}

/** A limiter whose buckets live in Redis (shared by all processes using the same prefix). */
export function createRedisRateLimiter(
  connection: RedisConnection,
  options: { keyPrefix: string; logger?: Logger; fallback?: ToolRateLimiter },
): ToolRateLimiter {
  const fallback = options.fallback ?? createMemoryRateLimiter();
  let warned = false;
  const run = async (key: string, args: string[]) => (await runScript(connection, TOKEN_BUCKET, [key], args)) as [number, number];
  return {
    async take(tool, rule) {
      try {
        const [allowed, wait] = await run(rateLimitKey(options.keyPrefix, tool), [String(rule.capacity), String(rule.refillPerSecond)]);
        warned = false;
        return { allowed: allowed === 1, retryAfterMs: Number(wait) };
      } catch (error) {
        if (!warned) options.logger?.warn({ err: error, tool }, "rate limit store unavailable; using in-process buckets until Redis answers");
        warned = true;
        return fallback.take(tool, rule);
      }
    },
  };
}
