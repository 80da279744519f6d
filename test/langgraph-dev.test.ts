/**
 * `langgraph dev` (the official @langchain/langgraph-cli) starts on our langgraph.json offline
 * and runs every declared graph, driven by the official SDK client. No model is configured, so
 * the graphs run on the offline demo's scripted model.
 *
 * Note: `langgraph dev` writes `.langgraph_api/` (ignored) and appends `.langgraph_api` to
 * `.gitignore` when missing (ours has it); this test checks the file is left as it was.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { readFile } from "node:fs/promises";
import { Client } from "@langchain/langgraph-sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TERMINAL_STATES } from "../agents/index.js";
import { freePort } from "./support/ports.js";

const root = new URL("..", import.meta.url).pathname;


async function waitUntilUp(url: string, child: ChildProcess, log: () => string, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`langgraph dev exited with ${child.exitCode}:\n${log()}`);
    try {
      if ((await fetch(`${url}/ok`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error(`langgraph dev did not answer within ${timeoutMs} ms:\n${log()}`);
}

describe("langgraph dev on langgraph.json", () => {
  let child: ChildProcess;
  let client: Client;
  let output = "";
  let gitignoreBefore = "";
  let graphIds: string[] = [];

  beforeAll(async () => {
    gitignoreBefore = await readFile(`${root}.gitignore`, "utf8");
    graphIds = Object.keys(JSON.parse(await readFile(`${root}langgraph.json`, "utf8")).graphs);
    const port = await freePort();
    const env: NodeJS.ProcessEnv = { ...process.env, LANGGRAPH_CLI_NO_ANALYTICS: "1", BROWSER: "none", LOG_LEVEL: "error", WORKSPACE_DIR: "./workspace/test-langgraph-dev" };
    for (const key of ["OPENAI_API_KEY", "OPENAI_BASE_URL", "LANGSMITH_TRACING", "LANGSMITH_API_KEY", "TAVILY_API_KEY"]) delete env[key];
    // `npx @langchain/langgraph-cli dev` runs this same bin; calling it directly skips npx's lookup.
    child = spawn(`${root}node_modules/.bin/langgraphjs`, ["dev", "--port", String(port), "--host", "127.0.0.1", "--no-browser", "--no-reload", "--config", `${root}langgraph.json`], {
      cwd: root,
      env,
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
    });
    child.stdout!.on("data", (chunk) => (output += chunk));
    child.stderr!.on("data", (chunk) => (output += chunk));
    const url = `http://127.0.0.1:${port}`;
    await waitUntilUp(url, child, () => output);
    client = new Client({ apiUrl: url });
  }, 150_000);

  afterAll(async () => {
    if (child?.pid && child.exitCode === null) {
      // The CLI starts the API server as a child: stop the whole process group.
      process.kill(-child.pid, "SIGTERM");
      await new Promise((resolve) => {
        const timer = setTimeout(() => {
          if (child.exitCode === null) process.kill(-child.pid!, "SIGKILL");
          resolve(undefined);
        }, 5_000);
        child.once("exit", () => (clearTimeout(timer), resolve(undefined)));
      });
    }
  });

  it("registers exactly the graphs of langgraph.json", async () => {
    const assistants = await client.assistants.search({ limit: 100 });
    expect(new Set(assistants.map((assistant) => assistant.graph_id))).toEqual(new Set(graphIds));
  });

  it("runs every graph offline to a named terminal state", async () => {
    for (const graphId of graphIds) {
      const thread = await client.threads.create();
      const values = (await client.runs.wait(thread.thread_id, graphId, {
        input: { messages: [{ role: "human", content: "Compare the populations of Paris (2148000) and Berlin (3645000)" }] },
      })) as { status?: string; result?: string };
      expect(TERMINAL_STATES, `${graphId} ended in ${values.status}`).toContain(values.status);
      expect(values.status).toBe("completed");
      expect(values.result).toContain("[offline demo]");
    }
  }, 120_000);

  it("pauses for approval and resumes with a rejection through the SDK", async () => {
    const thread = await client.threads.create();
    const paused = (await client.runs.wait(thread.thread_id, "agent", { input: { messages: [{ role: "human", content: "notify the team by webhook" }] } })) as {
      __interrupt__?: { value: { type: string; tool: string } }[];
    };
    expect(paused.__interrupt__?.[0]?.value).toMatchObject({ type: "tool_approval", tool: "send_webhook" });
    const done = (await client.runs.wait(thread.thread_id, "agent", { command: { resume: { decision: "reject", reason: "not today" } } })) as { status?: string };
    expect(done.status).toBe("rejected");
  }, 60_000);

  it("leaves .gitignore as it was", async () => {
    expect(await readFile(`${root}.gitignore`, "utf8")).toBe(gitignoreBefore);
  });
});
