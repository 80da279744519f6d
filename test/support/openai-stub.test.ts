import { AIMessageChunk, HumanMessage, type AIMessage } from "@langchain/core/messages";
import { ChatOpenAI, OpenAIEmbeddings } from "@langchain/openai";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { reply, startOpenAIStub, type OpenAIStub } from "./openai-stub.js";

describe("openai stub server", () => {
  let stub: OpenAIStub;
  const model = (extra: Record<string, unknown> = {}) =>
    new ChatOpenAI({ model: "stub-model", apiKey: "test-key", maxRetries: 0, configuration: { baseURL: stub.url }, ...extra });

  beforeEach(async () => {
    stub = await startOpenAIStub();
  });
  afterEach(async () => {
    await stub.close();
  });

  it("answers scripted text with usage and records the messages the model saw", async () => {
    stub.enqueue(reply.text("hello there", { prompt_tokens: 11, completion_tokens: 3 }));
    const answer = await model().invoke([new HumanMessage("hi stub")]);
    expect(answer.content).toBe("hello there");
    expect(answer.usage_metadata).toMatchObject({ input_tokens: 11, output_tokens: 3, total_tokens: 14 });
    expect(stub.chatRequests).toHaveLength(1);
    expect(stub.chatRequests[0]!.body.messages).toEqual([{ role: "user", content: "hi stub" }]);
    expect(stub.chatRequests[0]!.body.model).toBe("stub-model");
  });

  it("scripts parallel tool calls, malformed arguments and unknown tools", async () => {
    stub.enqueue(
      reply.toolCalls({ name: "calculator", args: { expression: "1+1" }, id: "a" }, { name: "no_such_tool", args: {}, id: "b" }),
      reply.toolCall("calculator", '{"expression": "1+', "c"),
    );
    const first = (await model().invoke("go")) as AIMessage;
    expect(first.tool_calls?.map((call) => [call.id, call.name, call.args])).toEqual([
      ["a", "calculator", { expression: "1+1" }],
      ["b", "no_such_tool", {}],
    ]);
    const second = (await model().invoke("again")) as AIMessage;
    expect(second.tool_calls).toEqual([]);
    expect(second.invalid_tool_calls?.[0]).toMatchObject({ id: "c", name: "calculator", args: '{"expression": "1+' });
  });

  it("streams text and tool-call deltas and a final usage chunk", async () => {
    stub.enqueue(reply.toolCalls({ name: "calculator", args: { expression: "2*21" }, id: "s1" }, { name: "write_file", args: { path: "a.txt" }, id: "s2" }));
    let merged: AIMessageChunk | undefined;
    let chunks = 0;
    for await (const chunk of await model({ streaming: true, streamUsage: true }).stream("stream it")) {
      chunks += 1;
      merged = merged ? merged.concat(chunk) : chunk;
    }
    expect(chunks).toBeGreaterThan(4);
    expect(merged?.tool_calls?.map((call) => call.args)).toEqual([{ expression: "2*21" }, { path: "a.txt" }]);
    expect(merged?.usage_metadata?.total_tokens).toBeGreaterThan(0);
    expect(stub.chatRequests[0]!.body.stream_options).toEqual({ include_usage: true });
  });

  it("sends HTTP errors with Retry-After", async () => {
    stub.enqueue(reply.error(429, { retryAfterSeconds: 7 }), reply.error(503));
    const first = await fetch(`${stub.url}/chat/completions`, { method: "POST", body: JSON.stringify({ messages: [] }) });
    expect(first.status).toBe(429);
    expect(first.headers.get("retry-after")).toBe("7");
    await expect(model().invoke("x")).rejects.toMatchObject({ status: 503 });
  });

  it("hangs past the client timeout and drops a stream mid-way", async () => {
    stub.enqueue(reply.hang(5_000));
    await expect(model({ timeout: 50 }).invoke("slow")).rejects.toThrow(/timed out/i);
    stub.enqueue(reply.disconnect(2, reply.text("a long answer that never arrives")));
    const consume = async () => {
      for await (const _ of await model({ streaming: true }).stream("cut")) void _;
    };
    await expect(consume()).rejects.toThrow();
  });

  it("asks the handler when the queue is empty, then falls back to a default reply", async () => {
    stub.onRequest((request) => (request.body.messages.at(-1).content === "ping" ? reply.text("pong") : undefined));
    expect((await model().invoke("ping")).content).toBe("pong");
    expect((await model().invoke("other")).content).toContain("no scripted reply");
    expect(stub.unscriptedCount).toBe(1);
  });

  it("serves deterministic embeddings (float and base64) that rank shared words closer", async () => {
    const embeddings = new OpenAIEmbeddings({ apiKey: "test-key", model: "stub-embed", configuration: { baseURL: stub.url } });
    const [cats, cats2, cars] = await embeddings.embedDocuments(["cats purr softly", "cats purr", "diesel engines"]);
    const dot = (a: number[], b: number[]) => a.reduce((sum, value, index) => sum + value * b[index]!, 0);
    expect(cats).toHaveLength(64);
    expect(dot(cats!, cats2!)).toBeGreaterThan(dot(cats!, cars!));
    expect(await embeddings.embedQuery("cats purr softly")).toEqual(cats!.map((value) => expect.closeTo(value, 5)));
  });
});
