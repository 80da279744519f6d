/**
 * The reference as an oracle. Tests of LangGraph API behaviour start their target through
 * `startApiTarget`: our server by default, or `langgraph dev` (the official
 * @langchain/langgraph-cli, whose @langchain/langgraph-api is the reference JS server) when
 * `SWITCHBOARD_ORACLE=langgraph-dev`, so the same test proves its expectations are the
 * reference's. CI runs ours only (the reference takes seconds to start and minutes to compile
 * schemas); run `SWITCHBOARD_ORACLE=langgraph-dev npx vitest run <file>` before changing one.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { rm } from "node:fs/promises";
import { dirname, join } from "node:path";
import { Client } from "@langchain/langgraph-sdk";
import { startTestServer, type TestServer } from "./server.js";
import { freePort } from "./ports.js";

/** Which server a test talks to. */
export type ApiTargetKind = "switchboard" | "langgraph-dev";

/** A running server speaking the LangGraph API. */
export interface ApiTarget {
  kind: ApiTargetKind;
  url: string;
  /** An SDK client (with an API key or extra headers when given). */
  client(options?: { apiKey?: string; headers?: Record<string, string> }): Client;
  /** Our runtime, when the target is ours (undefined on the reference). */
  ours?: TestServer;
  close(): Promise<void>;
}

/** The target chosen for this test run. */
export function apiTargetKind(): ApiTargetKind {
  return process.env.SWITCHBOARD_ORACLE === "langgraph-dev" ? "langgraph-dev" : "switchboard";
}

/** True when the tests run against the reference. */
export const againstReference = (): boolean => apiTargetKind() === "langgraph-dev";

/** Starts the chosen server on `configPath` (a langgraph.json). */
export async function startApiTarget(
  configPath: string,
  options: { redis?: boolean; env?: Record<string, string>; apiKeys?: string } = {},
): Promise<ApiTarget> {
  if (apiTargetKind() === "langgraph-dev") return startLanggraphDev(configPath, options.env ?? {});
  const ours = await startTestServer({ configPath, ...options });
  return {
    kind: "switchboard",
    url: ours.url,
    ours,
    client: (clientOptions = {}) =>
      new Client({ apiUrl: ours.url, ...(clientOptions.apiKey ? { apiKey: clientOptions.apiKey } : {}), defaultHeaders: clientOptions.headers ?? {} }),
    close: () => ours.close(),
  };
}

const root = new URL("../..", import.meta.url).pathname;


async function startLanggraphDev(configPath: string, extraEnv: Record<string, string>): Promise<ApiTarget> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const env: NodeJS.ProcessEnv = { ...process.env, LANGGRAPH_CLI_NO_ANALYTICS: "1", BROWSER: "none", LANGSMITH_TRACING: "false", ...extraEnv };
  for (const key of ["OPENAI_API_KEY", "OPENAI_BASE_URL", "LANGSMITH_API_KEY", "TAVILY_API_KEY"]) if (!(key in extraEnv)) delete env[key];
  let log = "";
  const child: ChildProcess = spawn(`${root}node_modules/.bin/langgraphjs`, ["dev", "--port", String(port), "--host", "127.0.0.1", "--no-browser", "--no-reload", "--config", configPath], {
    cwd: dirname(configPath),
    env,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout!.on("data", (chunk) => (log += chunk));
  child.stderr!.on("data", (chunk) => (log += chunk));
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`langgraph dev exited with ${child.exitCode}:\n${log}`);
    // /info needs no auth on the reference, /ok does.
    const up = await fetch(`${url}/info`).then((response) => response.ok, () => false);
    if (up) break;
    if (Date.now() > deadline) throw new Error(`langgraph dev did not answer within 120 s:\n${log}`);
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
  return {
    kind: "langgraph-dev",
    url,
    client: (clientOptions = {}) =>
      new Client({ apiUrl: url, ...(clientOptions.apiKey ? { apiKey: clientOptions.apiKey } : {}), defaultHeaders: clientOptions.headers ?? {} }),
    async close() {
      if (child.exitCode === null && child.pid) {
        const exited = new Promise((resolve) => child.once("exit", resolve));
        process.kill(-child.pid, "SIGTERM");
        await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 10_000))]);
        if (child.exitCode === null) process.kill(-child.pid, "SIGKILL");
      }
      // The reference keeps its state next to the config; a test run starts clean every time.
      await rm(join(dirname(configPath), ".langgraph_api"), { recursive: true, force: true });
    },
  };
}
