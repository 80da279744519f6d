import { readFileSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import { resetEnvForTests } from "../lib/env.js";
import { InvalidInputError } from "../lib/errors.js";
import { parseCliArgs } from "./args.js";
import { main } from "./main.js";
import type { Asker } from "./prompts.js";

const saved = { ...process.env };
afterEach(() => {
  process.env = { ...saved };
  resetEnvForTests();
});

function capture() {
  const lines: string[] = [];
  const answers: string[] = [];
  return { lines, answers, out: { info: (l: string) => void lines.push(l), answer: (t: string) => void answers.push(t) } };
}

const scripted = (answers: string[]): Asker => ({ ask: async () => answers.shift(), close() {} });

/** A fresh clone: no model, no Redis. */
function nothingConfigured() {
  for (const key of ["OPENAI_API_KEY", "OPENAI_BASE_URL", "REDIS_URL", "REDIS_CLUSTER_NODES", "LANGSMITH_TRACING", "TAVILY_API_KEY"]) delete process.env[key];
  process.env.WORKSPACE_DIR = "./workspace/test-cli";
  resetEnvForTests();
}

describe("CLI", () => {
  it("runs the offline demo with nothing configured and says so plainly", async () => {
    nothingConfigured();
    const io = capture();
    const code = await main(["Compare", "the", "populations", "of", "Paris", "(2148000)", "and", "Berlin", "(3645000)"], { out: io.out, asker: scripted([]) });
    const text = io.lines.join("\n");
    expect(code).toBe(0);
    expect(text).toContain("OFFLINE DEMO on a scripted model");
    expect(text).toContain("embedded in-memory checkpoints");
    expect(text).toMatch(/→ supervisor hands to researcher/);
    expect(text).toMatch(/analyst ▸ calculator/);
    expect(text).toMatch(/■ completed/);
    expect(io.answers.join("\n")).toContain("[offline demo] Answer to");
  }, 60_000);

  it("asks at the terminal before a side effect and passes the rejection reason on", async () => {
    nothingConfigured();
    const io = capture();
    const code = await main(["--graph", "agent", "send", "a", "webhook", "to", "the", "team"], { out: io.out, asker: scripted(["r", "not now"]) });
    const text = io.lines.join("\n");
    expect(text).toMatch(/Approval needed: assistant wants to call send_webhook/);
    expect(text).toMatch(/approval_rejected .*not now/);
    expect(text).toMatch(/■ rejected/);
    expect(code).toBe(2);
  }, 60_000);

  it("leaves the run paused when nobody answers; in memory it gives no resume hint that cannot work", async () => {
    nothingConfigured();
    const io = capture();
    const code = await main(["--graph", "agent", "--thread", "t-paused", "notify the team by webhook"], { out: io.out, asker: scripted([]) });
    expect(code).toBe(3);
    expect(io.lines.join("\n")).not.toContain("npm start -- --thread t-paused --resume");
    expect(io.lines.join("\n")).toContain("set REDIS_URL to resume paused runs later");
  }, 60_000);

  it("--draw prints a graph as Mermaid, and the README's picture of the supervisor graph is that drawing", async () => {
    nothingConfigured();
    const io = capture();
    expect(await main(["--draw", "supervisor"], { out: io.out, asker: scripted([]) })).toBe(0);
    const drawing = io.answers.join("\n");
    expect(drawing).toMatch(/^%%\{init:.*\n\s*graph TD;/);
    expect(drawing).toContain("supervisor -.-> researcher___start__;");
    const readme = readFileSync(new URL("../README.md", import.meta.url), "utf8");
    // Regenerate with: npm start -- --draw supervisor
    expect(/```mermaid\n([\s\S]*?)\n```/.exec(readme)?.[1]).toBe(drawing);
  });

  it("explains bad arguments", async () => {
    expect(() => parseCliArgs([])).toThrow(/Give a goal/);
    expect(() => parseCliArgs(["--resume"])).toThrow(/--resume needs --thread/);
    expect(() => parseCliArgs(["--max-tokens", "lots", "x"])).toThrow(InvalidInputError);
    expect(() => parseCliArgs(["--bogus", "x"])).toThrow(/--help/);
    expect(() => parseCliArgs(["--approve", "--reject", "x"])).toThrow(/contradict/);
    expect(parseCliArgs(["x"])).toMatchObject({ graph: undefined, approvals: "ask" });
    expect(parseCliArgs(["--max-cost", "0.5", "--graph", "planner", "go"])).toMatchObject({ goal: "go", graph: "planner", limits: { maxCostUsd: 0.5 } });
    expect(parseCliArgs(["--max-duration", "90", "go"]).limits).toEqual({ maxDurationMs: 90_000 });
    expect(parseCliArgs(["--max-duration", "0.25", "go"]).limits).toEqual({ maxDurationMs: 250 });
    expect(() => parseCliArgs(["--max-duration", "soon", "go"])).toThrow(/--max-duration must be a positive number/);
    const io = capture();
    expect(await main(["--graph", "nope", "x"], { out: io.out, asker: scripted([]) })).toBe(64);
    expect(io.lines.join("\n")).toMatch(/graph 'nope' was not found. Registered graphs: supervisor/);
  });
});
