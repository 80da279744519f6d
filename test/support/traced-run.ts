/**
 * A real recorded trace for tests that need one: the `agent` graph on a scripted model makes
 * one tool call and answers, traced into the given store.
 */
import { HumanMessage } from "@langchain/core/messages";
import { MemorySaver } from "@langchain/langgraph";
import { parseEnv } from "../../lib/env.js";
import type { RunTrace, TraceStore } from "../../tracing/trace.js";
import { ScriptedChatModel } from "../../lib/scripted/scripted-chat-model.js";
import { staticModels } from "../../agents/index.js";
import { createRunTracing } from "../../tracing/index.js";
import { createAgentBuilder } from "../../graphs/agent/graph.js";
import { lookupTool } from "./fake-tools.js";

/** Runs the agent graph once on `threadId` for `owner`; returns its trace (also saved in `store`). */
export async function tracedAgentRun(store: TraceStore, threadId: string, owner: string): Promise<RunTrace> {
  const model = new ScriptedChatModel({ modelName: "gpt-4o", replies: [{ toolCalls: [{ name: "lookup", args: { query: "paris" } }] }, "Paris has 2.1M people."] });
  const graph = createAgentBuilder({ models: staticModels(model), tools: { lookup: lookupTool({ paris: "2.1M" }) } }, { tools: ["lookup"] }).compile({ checkpointer: new MemorySaver() });
  const tracing = createRunTracing({ env: parseEnv({}), traceStore: store, runId: crypto.randomUUID(), threadId, graphId: "agent", owner });
  await graph.invoke({ messages: [new HumanMessage("Population of Paris?")] }, { configurable: { thread_id: threadId, user_id: owner }, ...tracing.config, runName: "agent" });
  const trace = await tracing.finish();
  if (!trace) throw new Error("the run left no trace");
  return trace;
}
