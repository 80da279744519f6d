import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ConfigError } from "../../lib/errors.js";
import { PROJECT_LANGGRAPH_JSON } from "../runtime.js";
import { nodeVersionWarning, readLanggraphConfig } from "./config.js";

const dir = mkdtempSync(join(tmpdir(), "sb-lgjson-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let count = 0;
const write = (content: unknown) => {
  const path = join(dir, `langgraph-${++count}.json`);
  writeFileSync(path, JSON.stringify(content));
  return path;
};

describe("readLanggraphConfig", () => {
  it("reads every field langgraph dev serves: graph objects, env, http, auth, node_version, build-only fields", async () => {
    const config = await readLanggraphConfig(
      write({
        graphs: { a: "./a.ts:graph", b: { path: "./b.ts:make", description: "B graph" } },
        env: "./.env.test",
        http: { app: "./app.ts:app", disable_store: true, cors: { allow_origins: ["https://x.example"] } },
        auth: { path: "./auth.ts:auth" },
        node_version: "20",
        dependencies: ["."],
        dockerfile_lines: [],
      }),
    );
    expect(config.graphs).toEqual({ a: "./a.ts:graph", b: "./b.ts:make" });
    expect(config.descriptions).toEqual({ b: "B graph" });
    expect(config.env).toEqual({ file: join(dir, ".env.test") });
    expect(config.http).toMatchObject({ app: "./app.ts:app", disable_store: true, disable_runs: false, cors: { allow_origins: ["https://x.example"] } });
    expect(config.authPath).toBe("./auth.ts:auth");
    expect(nodeVersionWarning(config, "20.19.0")).toBeUndefined();
    expect(nodeVersionWarning(config, "18.20.0")).toMatch(/asks for Node 20/);
  });

  it("takes an env object as values", async () => {
    const config = await readLanggraphConfig(write({ graphs: {}, env: { GREETING: "hi" } }));
    expect(config.env).toMatchObject({ values: { GREETING: "hi" } });
  });

  it.each([
    [{ graphs: {}, store: { index: { dims: 3 } } }, "store"],
    [{ graphs: {}, checkpointer: { ttl: {} } }, "checkpointer"],
    [{ graphs: {}, http: { configurable_headers: {} } }, "http.configurable_headers"],
    [{ graphs: {}, auth: { path: "./a.ts:auth", openapi: {} } }, "auth.openapi"],
    [{ graphs: {}, env: ["A"] }, "env"],
    [{ graphs: { a: "./a.ts:graph" }, ui_config: { shared: [], css: true } }, "ui_config.css"],
    [{ graphs: { a: "./a.ts:graph" }, ui: { a: 3 } }, "ui.a"],
  ])("fails at start naming an unsupported field (%j)", async (content, field) => {
    const error = await readLanggraphConfig(write(content)).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).setting).toBe(field);
    expect((error as Error).message).toContain(`'${field}'`);
  });

  it("reads ui and ui_config.shared; http.disable_ui turns the components off", async () => {
    const served = await readLanggraphConfig(write({ graphs: { a: "./a.ts:graph" }, ui: { a: "./ui.tsx" }, ui_config: { shared: ["zod"] } }));
    expect(served).toMatchObject({ ui: { a: "./ui.tsx" }, uiShared: ["zod"] });
    const off = await readLanggraphConfig(write({ graphs: { a: "./a.ts:graph" }, ui: { a: "./ui.tsx" }, http: { disable_ui: true } }));
    expect(off.ui).toBeUndefined();
  });

  it("reads our own langgraph.json, whose env is .env", async () => {
    const config = await readLanggraphConfig(PROJECT_LANGGRAPH_JSON);
    expect(Object.keys(config.graphs)).toEqual(expect.arrayContaining(["supervisor", "hierarchical", "planner", "agent"]));
    expect(config.env).toEqual({ file: join(config.dir, ".env") });
  });
});
