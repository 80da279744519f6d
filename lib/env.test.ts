import { describe, expect, it } from "vitest";
import { parseEnv } from "./env.js";
import { ConfigError } from "./errors.js";

describe("parseEnv", () => {
  it("applies defaults to an empty environment", () => {
    const env = parseEnv({});
    expect(env.REDIS_URL).toBeUndefined();
    expect(env.REDIS_KEY_PREFIX).toBe("sb:");
    expect(env.LOG_LEVEL).toBe("info");
    expect(env.LANGSMITH_TRACING).toBe(false);
  });

  it("treats empty strings as unset, as .env files write them", () => {
    expect(parseEnv({ REDIS_URL: "", OPENAI_API_KEY: "  " }).REDIS_URL).toBeUndefined();
  });

  it("names the variable at fault", () => {
    let caught: unknown;
    try {
      parseEnv({ REDIS_URL: "localhost:6379" });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    expect((caught as ConfigError).setting).toBe("REDIS_URL");
    expect((caught as Error).message).toContain("REDIS_URL");
  });

  it("rejects a non-numeric TTL and a malformed cluster list", () => {
    expect(() => parseEnv({ CHECKPOINT_TTL_MINUTES: "soon" })).toThrow(/CHECKPOINT_TTL_MINUTES/);
    expect(() => parseEnv({ REDIS_CLUSTER_NODES: "a:1,b" })).toThrow(/REDIS_CLUSTER_NODES/);
    expect(parseEnv({ CHECKPOINT_TTL_MINUTES: "30" }).CHECKPOINT_TTL_MINUTES).toBe(30);
  });
});
