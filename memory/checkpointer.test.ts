import { MemorySaver } from "@langchain/langgraph-checkpoint";
import { describe, expect, it } from "vitest";
import { parseEnv } from "../lib/env.js";
import { createCheckpointer } from "./checkpointer.js";
import { RedisSaver } from "./redis-saver/saver.js";
import { testRedisUrl } from "../test/support/redis.js";

describe("createCheckpointer", () => {
  it("uses an embedded in-memory saver and says so when no Redis is configured", async () => {
    const configured = await createCheckpointer(parseEnv({}));
    expect(configured.saver).toBeInstanceOf(MemorySaver);
    expect(configured.durable).toBe(false);
    expect(configured.description).toMatch(/in-memory.*REDIS_URL/);
  });

  it("uses RedisSaver on REDIS_URL", async () => {
    const configured = await createCheckpointer(parseEnv({ REDIS_URL: testRedisUrl(), REDIS_KEY_PREFIX: "test:factory:" }));
    try {
      expect(configured.saver).toBeInstanceOf(RedisSaver);
      expect(configured.durable).toBe(true);
      expect(configured.description).toContain("127.0.0.1:6379");
    } finally {
      await configured.close();
    }
  });
});
