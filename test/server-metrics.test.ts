/**
 * `/metrics` after runs that use a tool (issue 18): the `agent` graph on the real ChatOpenAI
 * client against the OpenAI-compatible stub (fixed token usage per reply), through the SDK.
 * The token counters count every model call's tokens and the tool counter counts each call by
 * outcome, by value; every metric name has one TYPE line (one definition, one label set).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { reply, startOpenAIStub, type OpenAIStub } from "./support/openai-stub.js";
import { startTestServer, type TestServer } from "./support/server.js";

const TOOL_USAGE = { prompt_tokens: 1_000, completion_tokens: 20 };
const ANSWER_USAGE = { prompt_tokens: 2_000, completion_tokens: 30 };

/** The value of one sample of the text exposition, or undefined. */
function sample(text: string, name: string, labels: Record<string, string>): number | undefined {
  for (const line of text.split("\n")) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    const body = line.slice(name.length).match(/^\{([^}]*)\}/)?.[1] ?? "";
    const found = Object.fromEntries([...body.matchAll(/(\w+)="([^"]*)"/g)].map((match) => [match[1], match[2]]));
    if (Object.entries(labels).every(([key, value]) => found[key] === value)) return Number(line.slice(line.lastIndexOf(" ") + 1));
  }
  return undefined;
}

describe("/metrics after runs with a tool", () => {
  let stub: OpenAIStub;
  let server: TestServer;
  const sent = { input: 0, output: 0 };

  beforeAll(async () => {
    stub = await startOpenAIStub();
    stub.onRequest((request) => {
      const last = (request.body.messages as { role: string }[]).at(-1)!;
      const usage = last.role === "tool" ? ANSWER_USAGE : TOOL_USAGE;
      sent.input += usage.prompt_tokens;
      sent.output += usage.completion_tokens;
      return last.role === "tool" ? reply.text("It is 42.", usage) : { ...reply.toolCall("calculator", { expression: "6*7" }), usage };
    });
    server = await startTestServer({ env: { OPENAI_API_KEY: "sk-test-metrics", OPENAI_BASE_URL: stub.url, OPENAI_MODEL: "stub-model" } });
  }, 60_000);
  afterAll(async () => {
    await server?.close();
    await stub?.close();
  });

  it("counts the tokens of every model call and each tool call by outcome, by value", async () => {
    const client = server.client();
    for (let i = 0; i < 2; i++) {
      const thread = await client.threads.create();
      const done = (await client.runs.wait(thread.thread_id, "agent", { input: { messages: [{ role: "human", content: "What is 6*7?" }] } })) as { status?: string };
      expect(done.status).toBe("completed");
    }
    expect(sent.input).toBeGreaterThanOrEqual(2 * (TOOL_USAGE.prompt_tokens + ANSWER_USAGE.prompt_tokens));

    // A run's trace is recorded once its stream has ended, just after the client was answered.
    let text = "";
    for (let attempt = 0; attempt < 200; attempt++) {
      text = await (await fetch(`${server.url}/metrics`)).text();
      if (sample(text, "switchboard_tokens_total", { graph_id: "agent", kind: "input" }) === sent.input) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(sample(text, "switchboard_tokens_total", { graph_id: "agent", kind: "input" })).toBe(sent.input);
    expect(sample(text, "switchboard_tokens_total", { graph_id: "agent", kind: "output" })).toBe(sent.output);
    expect(sample(text, "switchboard_tool_calls_total", { graph_id: "agent", tool: "calculator", outcome: "ok" })).toBe(2);
    expect(sample(text, "switchboard_tool_calls_total", { graph_id: "agent", tool: "calculator", outcome: "error" })).toBeUndefined();
    expect(sample(text, "switchboard_runs_total", { graph_id: "agent", status: "success" })).toBe(2);
    expect(sample(text, "switchboard_model_tokens_total", { model: "stub-model", direction: "input" })).toBe(sent.input);

    const types = text.split("\n").filter((line) => line.startsWith("# TYPE ")).map((line) => line.split(" ")[2]);
    expect(types.length).toBeGreaterThan(10);
    expect(new Set(types).size).toBe(types.length);
  }, 60_000);
});
