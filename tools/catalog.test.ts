import { describe, expect, it } from "vitest";
import { parseEnv } from "../lib/env.js";
import { ConfigError } from "../lib/errors.js";
import { TOOL_NAMES } from "./builtin/index.js";
import { createToolCatalog } from "./catalog.js";

describe("tool catalog", () => {
  it("offers the tools whose services exist and says why the others are missing", () => {
    const catalog = createToolCatalog({ env: parseEnv({}) });
    expect(catalog.tools.map((tool) => tool.name)).toEqual(["http_fetch", "calculator", "run_javascript", "write_file", "send_webhook"]);
    expect(catalog.unavailable).toEqual({ web_search: "TAVILY_API_KEY is not set", search_knowledge: expect.stringContaining("retriever") });
    expect(catalog.select(["web_search", "http_fetch", "search_knowledge"]).map((tool) => tool.name)).toEqual(["http_fetch"]);
    expect(() => catalog.select(["calculater"])).toThrow(ConfigError);
    expect(catalog.toolCallBudget).toBe(50);
    expect(catalog.byName.get("calculator")?.sideEffect).toBe("read_only");
  });

  it("adds web_search with a Tavily key and search_knowledge with a retriever; carries operator settings", () => {
    const env = parseEnv({
      TAVILY_API_KEY: "tvly-x",
      TOOL_POLICIES: '{"send_webhook":"allow","supervisor:write_file":"deny"}',
      TOOL_RATE_LIMITS: '{"http_fetch":{"capacity":5,"refillPerSecond":1}}',
      TOOL_CALL_BUDGET: "7",
    });
    const catalog = createToolCatalog({ env, knowledge: { search: async () => [] } });
    expect(catalog.select(["web_search", "search_knowledge"]).map((tool) => tool.name)).toEqual(["web_search", "search_knowledge"]);
    // Every shipped tool is built, under the name its entry in builtin/index.ts gives it.
    expect(catalog.tools.map((tool) => tool.name)).toEqual(TOOL_NAMES);
    expect(catalog.unavailable).toEqual({});
    expect(catalog.executorDeps.policies).toEqual({ send_webhook: "allow", "supervisor:write_file": "deny" });
    expect(catalog.executorDeps.rateLimits).toEqual({ http_fetch: { capacity: 5, refillPerSecond: 1 } });
    expect(catalog.toolCallBudget).toBe(7);
  });

  it("rejects bad tool settings naming the variable", () => {
    expect(() => parseEnv({ TOOL_POLICIES: '{"send_webhook":"maybe"}' })).toThrow(/TOOL_POLICIES/);
    expect(() => parseEnv({ TOOL_RATE_LIMITS: '{"http_fetch":{"capacity":0,"refillPerSecond":1}}' })).toThrow(/TOOL_RATE_LIMITS/);
    expect(() => createToolCatalog({ env: parseEnv({ TOOL_RATE_LIMITS: '{"no_such_tool":{"capacity":1,"refillPerSecond":1}}' }) })).toThrow(/unknown tool 'no_such_tool'/);
  });
});
