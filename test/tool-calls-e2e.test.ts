/**
 * The real ChatOpenAI client against the OpenAI-compatible stub, with the tool executor in
 * between: what the model asks for, what the executor answers, and what the model sees next.
 */
import { HumanMessage, type AIMessage, type BaseMessage } from "@langchain/core/messages";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseEnv } from "../lib/env.js";
import { CircuitBreakerRegistry, createChatModel } from "../lib/models.js";
import { calculatorTool, executeToolCalls, runJavascriptTool, toLangChainTools } from "../tools/index.js";
import { reply, startOpenAIStub, type OpenAIStub } from "./support/openai-stub.js";

describe("tool calls end to end over HTTP", () => {
  let stub: OpenAIStub;
  beforeAll(async () => {
    stub = await startOpenAIStub();
  });
  afterAll(async () => {
    await stub.close();
  });

  const tools = [calculatorTool, runJavascriptTool];
  const model = () =>
    createChatModel({
      env: parseEnv({ OPENAI_API_KEY: "test", OPENAI_BASE_URL: stub.url, OPENAI_MODEL: "stub-model" }),
      deps: { breakers: new CircuitBreakerRegistry(), sleep: async () => {} },
    }).bindTools(toLangChainTools(tools));

  const turn = async (history: BaseMessage[], streaming = false) => {
    const bound = model();
    if (!streaming) return (await bound.invoke(history)) as AIMessage;
    let merged: AIMessage | undefined;
    for await (const chunk of await bound.stream(history)) merged = merged ? (merged as never as { concat(c: unknown): AIMessage }).concat(chunk) : (chunk as AIMessage);
    return merged!;
  };

  // Streaming merges argument deltas with a lenient partial-JSON parser, so a truncated object
  // arrives as a well-formed call with missing fields (a schema error); without streaming it is an
  // invalid_tool_call that ChatOpenAI drops from the next request (its error rides on another answer).
  it.each([false, true])("answers parallel, malformed and unknown calls so the next request is valid for the API (streaming: %s)", async (streaming) => {
    stub.requests.length = 0;
    stub.enqueue(
      reply.toolCalls(
        { name: "calculator", args: { expression: "1/3 + 1/6" }, id: "call_calc" },
        { name: "calculator", args: '{"expression": ', id: "call_broken" },
        { name: "teleport", args: { to: "mars" }, id: "call_unknown" },
      ),
      reply.text("The sum is 1/2."),
    );
    const history: BaseMessage[] = [new HumanMessage("What is 1/3 + 1/6?")];
    const ask = await turn(history, streaming);
    expect(stub.chatRequests[0]!.body.tools.map((tool: { function: { name: string } }) => tool.function.name)).toEqual(["calculator", "run_javascript"]);
    const executed = await executeToolCalls(ask, tools, { threadId: "t", runId: "r", graphId: "agent", agent: "analyst", toolCallsUsed: 0, toolCallBudget: 10 });
    expect(executed.toolCallsUsed).toBe(3);
    history.push(ask, ...executed.messages);
    const final = await turn(history);
    expect(final.content).toBe("The sum is 1/2.");

    const sent = stub.chatRequests[1]!.body.messages as { role: string; tool_calls?: { id: string }[]; tool_call_id?: string; content: string }[];
    const assistant = sent.find((message) => message.role === "assistant")!;
    const answered = sent.filter((message) => message.role === "tool");
    // Every tool message answers a call the API will see, and every such call is answered.
    expect(answered.map((message) => message.tool_call_id).sort()).toEqual(assistant.tool_calls!.map((call) => call.id).sort());
    const byId = Object.fromEntries(answered.map((message) => [message.tool_call_id, message.content]));
    expect(byId.call_calc).toMatch(/"result":"1\/2"/);
    if (streaming) {
      expect(byId.call_broken).toMatch(/Invalid arguments for calculator: `expression`/);
    } else {
      expect(byId.call_broken).toBeUndefined();
      expect(byId.call_calc).toMatch(/Also, 1 other call\(s\).*not valid JSON/s);
    }
    expect(byId.call_unknown).toMatch(/no tool named 'teleport'/);
  });
});
