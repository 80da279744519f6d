import { defineConfig } from "vitest/config";

/** Vitest configuration: globals are on because the LangGraph checkpoint validation suite expects them. */
export default defineConfig({
  test: {
    globals: true,
    include: ["**/*.test.ts"],
    exclude: ["node_modules/**", ".langgraph_api/**"],
    // A MaxListenersExceededWarning fails the test it happened in (listener leaks, issue 18).
    setupFiles: ["./test/support/fail-on-warnings.ts"],
    // One temporary root per run (private redis-servers' directories), deleted when the run ends.
    globalSetup: ["./test/support/temp-root.ts"],
    // A developer's own ./.env must not steer the servers and CLIs the tests start (children inherit this).
    // Nor may a developer's ./mcp.json hand the graphs under test extra tools.
    env: { SWITCHBOARD_SKIP_DOTENV: "1", SWITCHBOARD_MCP_CONFIG: "off" },
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Integration tests share one Redis; each suite isolates itself with a unique key prefix.
    pool: "forks",
  },
});
