import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { describeEnvLoad, loadEnvSources, parseEnv } from "./env.js";
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

  it("takes SERVER_MCP_TOOLS as assistants (the default) or graphs, and says which otherwise", () => {
    expect(parseEnv({}).SERVER_MCP_TOOLS).toBe("assistants");
    expect(parseEnv({ SERVER_MCP_TOOLS: "graphs" }).SERVER_MCP_TOOLS).toBe("graphs");
    expect(() => parseEnv({ SERVER_MCP_TOOLS: "all" })).toThrow(/SERVER_MCP_TOOLS.*'graphs'/);
  });

  it("rejects a non-numeric TTL and a malformed cluster list", () => {
    expect(() => parseEnv({ CHECKPOINT_TTL_MINUTES: "soon" })).toThrow(/CHECKPOINT_TTL_MINUTES/);
    expect(() => parseEnv({ REDIS_CLUSTER_NODES: "a:1,b" })).toThrow(/REDIS_CLUSTER_NODES/);
    expect(parseEnv({ CHECKPOINT_TTL_MINUTES: "30" }).CHECKPOINT_TTL_MINUTES).toBe(30);
  });

  it("derives the Redis target once: cluster seed nodes win over the URL, neither is the embedded mode", () => {
    expect(parseEnv({}).redis).toBeUndefined();
    expect(parseEnv({ REDIS_URL: "redis://127.0.0.1:6379" }).redis).toEqual({ url: "redis://127.0.0.1:6379" });
    expect(parseEnv({ REDIS_URL: "redis://127.0.0.1:6379", REDIS_CLUSTER_NODES: "10.0.0.1:7000, 10.0.0.2:7000" }).redis).toEqual({ clusterNodes: ["10.0.0.1:7000", "10.0.0.2:7000"] });
    expect(parseEnv({ REDIS_URL: " " }).redis).toBeUndefined();
  });
});

describe("loadEnvSources", () => {
  const dir = mkdtempSync(join(tmpdir(), "sb-env-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("reads a .env file into the environment, the real environment winning", () => {
    const file = join(dir, ".env");
    writeFileSync(file, "# comment\nREDIS_KEY_PREFIX=from-file:\nLOG_LEVEL=debug\nQUOTED=\"a b\"\n");
    const target: Record<string, string | undefined> = { LOG_LEVEL: "warn" };
    const report = loadEnvSources([{ file }], target);
    expect(target).toEqual({ LOG_LEVEL: "warn", REDIS_KEY_PREFIX: "from-file:", QUOTED: "a b" });
    expect(report).toEqual({ read: [file], missing: [], skipped: [], applied: 2, names: expect.arrayContaining(["REDIS_KEY_PREFIX", "QUOTED"]), kept: 1 });
    expect(describeEnvLoad(report)).toContain(`read ${file}`);
    expect(parseEnv(target).REDIS_KEY_PREFIX).toBe("from-file:");
  });

  it("takes langgraph.json's env object, earlier sources winning over later ones, and reads a file once", () => {
    const file = join(dir, "once.env");
    writeFileSync(file, "A=file\nB=file\n");
    const target: Record<string, string | undefined> = {};
    const report = loadEnvSources([{ values: { A: "object" }, origin: "langgraph.json" }, { file }, { file }], target);
    expect(target).toEqual({ A: "object", B: "file" });
    expect(report.read).toEqual([file]);
  });

  it("notes a missing optional file and fails naming a required one", () => {
    const absent = join(dir, "absent.env");
    const report = loadEnvSources([{ file: absent }], {});
    expect(report.missing).toEqual([absent]);
    expect(describeEnvLoad(report)).toContain(`${absent} is named but missing`);
    expect(() => loadEnvSources([{ file: absent, required: true }], {})).toThrow(ConfigError);
  });

  it("leaves the working directory's .env unread with SWITCHBOARD_SKIP_DOTENV=1, other env files still load", () => {
    const cwdEnv = resolve(".env");
    const other = join(dir, "project.env");
    writeFileSync(other, "C=project\n");
    const target: Record<string, string | undefined> = { SWITCHBOARD_SKIP_DOTENV: "1" };
    const report = loadEnvSources([{ file: other }, { file: ".env" }], target);
    expect(report.skipped).toEqual([cwdEnv]);
    expect(report.read).toEqual([other]);
    expect(target.C).toBe("project");
    expect(describeEnvLoad(report)).toContain(`${cwdEnv} skipped (SWITCHBOARD_SKIP_DOTENV=1)`);
  });
});
