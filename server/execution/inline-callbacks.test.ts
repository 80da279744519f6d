/**
 * The cause of the stream-order bug, in one process: a slow background callback handler (like a
 * tracer under load) holds @langchain/core's shared callback queue, and LangGraph's `messages`
 * handler queued behind it lets a step's `values` overtake its tokens. Through
 * InlineStreamCallbacks every token is in the stream before the step's values.
 */
import { describe, expect, it } from "vitest";
import { BaseCallbackHandler } from "@langchain/core/callbacks/base";
import { AIMessage, type BaseMessage } from "@langchain/core/messages";
import { FakeListChatModel } from "@langchain/core/utils/testing";
import { Annotation, END, MessagesAnnotation, START, StateGraph } from "@langchain/langgraph";
import { InlineStreamCallbacks, inlineStreamCallbacks } from "./inline-callbacks.js";

/** A tracer that takes its time with every token, in the background queue. */
class SlowTracer extends BaseCallbackHandler {
  name = "slow_tracer";

  override async handleLLMNewToken(): Promise<void> {
    await new Promise((resolve) => setTimeout(resolve, 3));
  }
}

const State = Annotation.Root({ ...MessagesAnnotation.spec });

function talker() {
  const model = new FakeListChatModel({ responses: ["a reply long enough to stream in many tokens"] });
  return new StateGraph(State)
    .addNode("talk", async (state, config) => ({ messages: [new AIMessage({ content: (await model.invoke(state.messages, config)).content, id: "reply" })] }))
    .addEdge(START, "talk")
    .addEdge("talk", END)
    .compile();
}

describe("InlineStreamCallbacks", () => {
  it("keeps every token of a step before the step's values, even behind a slow background tracer", async () => {
    const order: string[] = [];
    const stream = await talker().stream({ messages: [{ role: "user", content: "hi" }] }, { streamMode: ["messages", "values"], callbacks: inlineStreamCallbacks([new SlowTracer()]) });
    for await (const [mode, payload] of stream as AsyncIterable<[string, unknown]>) {
      if (mode === "messages") order.push("token");
      else if ((payload as { messages: BaseMessage[] }).messages.some((message) => message.id === "reply")) order.push("values");
    }
    expect(order.filter((entry) => entry === "token").length).toBeGreaterThan(5);
    expect(order.indexOf("values")).toBeGreaterThan(order.lastIndexOf("token"));
  });

  it("marks LangGraph's messages handler inline when it is added, also on a copy", () => {
    const handler = new (class extends BaseCallbackHandler {
      name = "StreamMessagesHandler";
    })();
    const other = new SlowTracer();
    const copy = new InlineStreamCallbacks().copy();
    expect(copy).toBeInstanceOf(InlineStreamCallbacks);
    copy.addHandler(handler, true);
    copy.addHandler(other, true);
    expect(handler.awaitHandlers).toBe(true);
    expect(other.awaitHandlers).toBe(false);
  });
});
