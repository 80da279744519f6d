import { describe, expect, it } from "vitest";
import { type AIMessage, HumanMessage, SystemMessage } from "@langchain/core/messages";
import { tool } from "@langchain/core/tools";
import { z } from "zod";
import { ScriptedChatModel } from "./scripted-chat-model.js";
import { ModelBehaviorError } from "../errors.js";

const add = tool(async ({ a, b }) => String(a + b), {
  name: "add",
  description: "Adds two numbers.",
  schema: z.object({ a: z.number(), b: z.number() }),
});

describe("ScriptedChatModel", () => {
  it("replies in order, then from the respond function, and records what it saw", async () => {
    const model = new ScriptedChatModel({ replies: ["first"], respond: ({ callIndex }) => `call ${callIndex}` });
    expect((await model.invoke("hi")).content).toBe("first");
    expect((await model.invoke([new SystemMessage("s"), new HumanMessage("x")])).content).toBe("call 1");
    expect(model.calls).toHaveLength(2);
    expect(model.calls[1]?.messages.map((m) => m.getType())).toEqual(["system", "human"]);
  });

  it("makes tool calls through bindTools and sees the bound tools", async () => {
    const model = new ScriptedChatModel({ replies: [{ toolCalls: [{ name: "add", args: { a: 1, b: 2 } }] }] });
    const reply = await model.bindTools([add]).invoke("add 1 and 2");
    expect(reply.tool_calls?.[0]).toMatchObject({ name: "add", args: { a: 1, b: 2 } });
    expect(reply.tool_calls?.[0]?.id).toBeTruthy();
    expect(model.calls[0]?.tools.map((t) => t.name)).toEqual(["add"]);
  });

  it("answers withStructuredOutput with the bound function's arguments", async () => {
    const model = new ScriptedChatModel({ replies: [{ structured: { next: "writer", task: "draft" } }] });
    const schema = z.object({ next: z.string(), task: z.string() });
    const result = await model.withStructuredOutput(schema, { name: "route", includeRaw: true }).invoke("route");
    expect(result.parsed).toEqual({ next: "writer", task: "draft" });
    expect((result.raw as AIMessage).usage_metadata?.input_tokens).toBeGreaterThan(0);
  });

  it("reports usage_metadata that grows with the prompt", async () => {
    const model = new ScriptedChatModel({ respond: () => "ok" });
    const small = await model.invoke("a");
    const large = await model.invoke("a".repeat(4000));
    expect(large.usage_metadata!.input_tokens).toBeGreaterThan(small.usage_metadata!.input_tokens + 900);
    expect(small.response_metadata.model_name).toBe("scripted");
  });

  it("streams text and delivers tool calls and usage on the last chunk", async () => {
    const model = new ScriptedChatModel({ replies: [{ content: "two words", toolCalls: [{ name: "add", args: { a: 1, b: 1 } }] }] });
    const chunks = [];
    for await (const chunk of await model.bindTools([add]).stream("go")) chunks.push(chunk);
    expect(chunks.length).toBe(2);
    const merged = chunks.reduce((a, b) => a.concat(b));
    expect(merged.content).toBe("two words");
    expect(merged.tool_calls?.[0]).toMatchObject({ name: "add", args: { a: 1, b: 1 } });
    expect(merged.usage_metadata?.output_tokens).toBeGreaterThan(0);
  });

  it("throws scripted errors and says when the script runs out", async () => {
    const model = new ScriptedChatModel({ replies: [new Error("boom")] });
    await expect(model.invoke("x")).rejects.toThrow("boom");
    await expect(model.invoke("x")).rejects.toBeInstanceOf(ModelBehaviorError);
  });

  it("reports malformed tool calls as invalid_tool_calls", async () => {
    const model = new ScriptedChatModel({ replies: [{ invalidToolCalls: [{ name: "add", args: "{a: 1" }] }] });
    const reply = await model.invoke("x");
    expect(reply.tool_calls).toEqual([]);
    expect(reply.invalid_tool_calls?.[0]).toMatchObject({ name: "add", args: "{a: 1" });
  });
});

describe("ScriptedChatModel streaming", () => {
  it("streams a tool call without text exactly once (structured output works when streamed)", async () => {
    const model = new ScriptedChatModel({ replies: [{ structured: { next: "writer" } }] });
    const chunks = [];
    const bound = model.bindTools([{ type: "function", function: { name: "route", description: "d", parameters: { type: "object", properties: { next: { type: "string" } } } } }]);
    for await (const chunk of await bound.stream("go")) chunks.push(chunk);
    const merged = chunks.reduce((a, b) => a.concat(b));
    expect(merged.tool_calls).toEqual([expect.objectContaining({ name: "route", args: { next: "writer" } })]);
    expect(merged.invalid_tool_calls ?? []).toEqual([]);
  });
});
