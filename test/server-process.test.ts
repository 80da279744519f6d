/**
 * `npm run serve` as a process: refuses to serve without API keys off loopback, reports a graph
 * that fails to load by name, and on SIGTERM lets an in-flight run finish; a second server on the
 * same Redis then shows the finished run (state survives the process).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { Client } from "@langchain/langgraph-sdk";
import { connectRedis } from "../lib/redis.js";
import { deleteByPrefix, testRedisUrl, uniquePrefix } from "./support/redis.js";
import { eventually } from "./support/scale.js";
import { FIXTURE_CONFIG } from "./support/server.js";
import { queuePrefixesFor } from "../server/execution/queue/index.js";

const root = new URL("..", import.meta.url).pathname;
const prefix = uniquePrefix("serve");

/** Resident memory of a process in MB (Linux /proc). */
function residentMb(pid: number): number {
  return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? 0) / 1024;
}

function serve(env: Record<string, string>, config = FIXTURE_CONFIG): { child: ChildProcess; output: () => string; url: Promise<string>; exited: Promise<number | null> } {
  const child = spawn(process.execPath, ["--import", "tsx", `${root}server/main.ts`, "--config", config, "--port", "0"], {
    cwd: root,
    env: { ...process.env, LOG_LEVEL: "info", REDIS_URL: testRedisUrl(), REDIS_KEY_PREFIX: prefix, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const url = new Promise<string>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /"listening":"(http:[^"]+)"/.exec(output);
      if (match) resolve(match[1]!);
    };
    child.stdout!.on("data", onData);
    child.stderr!.on("data", onData);
    void exited.then((code) => reject(new Error(`server exited with ${code}:\n${output}`)));
  });
  url.catch(() => undefined);
  return { child, output: () => output, url, exited };
}

describe("npm run serve", () => {
  const children: ChildProcess[] = [];
  afterAll(async () => {
    for (const child of children) if (child.exitCode === null) child.kill("SIGKILL");
    const redis = await connectRedis({ url: testRedisUrl() });
    await deleteByPrefix(redis, prefix);
    for (const queuePrefix of queuePrefixesFor(prefix)) await deleteByPrefix(redis, queuePrefix);
    await redis.close();
  });

  it("refuses to listen off loopback without API keys", async () => {
    const server = serve({ HOST: "0.0.0.0", SERVER_API_KEYS: "" });
    children.push(server.child);
    expect(await server.exited).toBe(1);
    expect(server.output()).toContain("SERVER_API_KEYS");
  }, 60_000);

  it("reports a broken graph by name, finishes an in-flight run on SIGTERM, and the run survives the process", async () => {
    const first = serve({});
    children.push(first.child);
    const url = await first.url;
    const client = new Client({ apiUrl: url });
    const thread = await client.threads.create();
    const run = await client.runs.create(thread.thread_id, "slow", { input: { label: "drain" }, config: { configurable: { steps: 10, delayMs: 60 } } });
    await new Promise((resolve) => setTimeout(resolve, 150));
    first.child.kill("SIGTERM");
    expect(await first.exited).toBe(0);
    // Start-up warnings (written asynchronously) are all in the log once the process has exited.
    expect(first.output()).toMatch(/Graph 'broken' failed to load/);
    expect(first.output()).toMatch(/Auth is off/);
    expect(first.output()).toMatch(/shutting down/);

    const second = serve({});
    children.push(second.child);
    const again = new Client({ apiUrl: await second.url });
    expect((await again.runs.get(thread.thread_id, run.run_id)).status).toBe("success");
    expect((await again.threads.getState(thread.thread_id)).values).toMatchObject({ count: 10, label: "drain" });
    second.child.kill("SIGTERM");
    expect(await second.exited).toBe(0);
  }, 90_000);

  it("SERVER_PROCESSES runs several server processes on one port, announced once, and stops them all on SIGTERM", async () => {
    const server = serve({ SERVER_PROCESSES: "2" });
    children.push(server.child);
    const client = new Client({ apiUrl: await server.url });
    const threads = await Promise.all(Array.from({ length: 6 }, () => client.threads.create()));
    const results = await Promise.all(threads.map((thread) => client.runs.wait(thread.thread_id, "echo", { input: { messages: [{ role: "user", content: thread.thread_id }] } })));
    results.forEach((values, index) => expect(JSON.stringify(values)).toContain(`echo: ${threads[index]!.thread_id}`));
    // Both processes serve (each logs its own start-up, the second may log it later under load); the primary printed one listening line.
    const listeningPids = () => [...new Set([...server.output().matchAll(/"pid":(\d+)[^\n]*switchboard server listening/g)].map((match) => Number(match[1])))];
    await eventually(() => expect(listeningPids()).toHaveLength(2), 60_000);
    const pids = listeningPids();
    expect(server.output().match(/"listening"/g)).toHaveLength(1);
    // The primary only supervises: it never imports the app, so it holds a fraction of a server process's memory.
    const primary = residentMb(server.child.pid!);
    for (const pid of pids) expect(primary).toBeLessThan(residentMb(pid) / 2);
    server.child.kill("SIGTERM");
    expect(await server.exited).toBe(0);
  }, 90_000);

  it("refuses SERVER_PROCESSES above 1 without Redis", async () => {
    const server = serve({ SERVER_PROCESSES: "2", REDIS_URL: "" });
    children.push(server.child);
    expect(await server.exited).toBe(1);
    expect(server.output()).toContain("SERVER_PROCESSES");
  }, 60_000);

  it("with SERVER_PROCESSES, a langgraph.json that cannot be read stops the server before any process starts", async () => {
    const server = serve({ SERVER_PROCESSES: "2" }, `${root}no-such-dir/langgraph.json`);
    children.push(server.child);
    expect(await server.exited).toBe(1);
    expect(server.output()).toMatch(/Cannot read .*no-such-dir/);
  }, 60_000);

  it("with SERVER_PROCESSES, a process that fails at start-up stops the whole server instead of restarting in a loop", async () => {
    const dir = mkdtempSync(join(tmpdir(), "sb-serve-"));
    const config = join(dir, "langgraph.json");
    writeFileSync(config, JSON.stringify({ graphs: { echo: `${FIXTURE_CONFIG.replace(/langgraph\.json$/, "graphs.ts")}:echo` }, http: { app: "./missing-app.ts:app" } }));
    try {
      const server = serve({ SERVER_PROCESSES: "2" }, config);
      children.push(server.child);
      expect(await server.exited).toBe(1);
      expect(server.output()).toMatch(/'http.app' \.\/missing-app\.ts:app cannot be loaded/);
      expect(server.output()).toMatch(/failed to start/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
