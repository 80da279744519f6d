/**
 * The server's tracing redacts what the graphs' tools mark secret: a run of the project's `agent`
 * graph through the runtime (embedded mode) calls a tool whose `secretFields` names `vault_pin`, a
 * field no default rule knows; the value reaches neither the recorded trace nor its steps.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Hono } from "hono";
import { z } from "zod";
import { parseEnv } from "../lib/env.js";
import { silentLogger } from "../lib/logger.js";
import { ScriptedChatModel } from "../lib/scripted/scripted-chat-model.js";
import { staticModels, type AnyToolSpec } from "../agents/index.js";
import { DEFAULT_SECRET_FIELDS } from "../tracing/anonymizer.js";
import { createApp } from "./app.js";
import { buildServerRuntime, type ServerRuntime } from "./runtime.js";

const PLANTED = "PLANTED-vault-pin-4e8c1d07";

// Named like a shipped tool so the agent graph offers it.
const vaultCalculator: AnyToolSpec = {
  name: "calculator",
  description: "Computes an expression; needs the vault pin.",
  schema: z.object({ expression: z.string(), vault_pin: z.string() }),
  timeoutMs: 1_000,
  sideEffect: "read_only",
  secretFields: ["vault_pin"],
  async run(args: { expression: string }) {
    return `computed ${args.expression}`;
  },
};

describe("server tracing", () => {
  let runtime: ServerRuntime;
  let app: Hono;

  beforeAll(async () => {
    const model = new ScriptedChatModel({ replies: [{ toolCalls: [{ name: "calculator", args: { expression: "6*7", vault_pin: PLANTED } }] }, "It is 42."], modelName: "gpt-4o-mini" });
    runtime = await buildServerRuntime(parseEnv({ WORKSPACE_DIR: "./workspace/test-server" }), silentLogger(), { graphDeps: { models: staticModels(model), tools: { calculator: vaultCalculator } } });
    await runtime.deps.queue.startWorker(runtime.handler, { concurrency: 1 });
    app = createApp(runtime.deps);
  }, 60_000);
  afterAll(async () => {
    await runtime?.deps.queue.close();
    await runtime?.close();
  });

  it("redacts the values of the tools' secret fields in the recorded trace", async () => {
    expect(DEFAULT_SECRET_FIELDS).not.toContain("vault_pin");
    const post = (path: string, body: unknown) => app.request(path, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
    const thread = (await (await post("/threads", {})).json()) as { thread_id: string };
    const done = await post(`/threads/${thread.thread_id}/runs/wait`, { assistant_id: "agent", input: { messages: [{ role: "human", content: "compute 6*7" }] } });
    expect(((await done.json()) as { status?: string }).status).toBe("completed");

    const [runId] = await runtime.deps.traceStore!.listRuns(thread.thread_id);
    const kept = JSON.stringify(await runtime.deps.traceStore!.get(runId!));
    expect(kept).toContain("computed 6*7");
    expect(kept).toContain("[redacted]");
    expect(kept).not.toContain(PLANTED);
  });
});
