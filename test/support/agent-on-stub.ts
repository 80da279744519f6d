/** The `agent` graph on the OpenAI-compatible stub, for tests of tools the model calls (MCP, OpenAPI). */
import type { BaseCheckpointSaver } from "@langchain/langgraph";
import { staticModels } from "../../agents/index.js";
import { createAgentBuilder } from "../../graphs/agent/graph.js";
import { parseEnv } from "../../lib/env.js";
import { CircuitBreakerRegistry, createChatModel } from "../../lib/models.js";
import type { ToolCatalog } from "../../tools/index.js";
import type { OpenAIStub } from "./openai-stub.js";

/** The `agent` graph with `tools` (plus the calculator), its model the real OpenAI client on `stub`, no retry waits. */
export function agentGraphOnStub(stub: OpenAIStub, tools: ToolCatalog, saver: BaseCheckpointSaver) {
  const model = createChatModel({
    env: parseEnv({ OPENAI_API_KEY: "test", OPENAI_BASE_URL: stub.url, OPENAI_MODEL: "stub-model" }),
    deps: { breakers: new CircuitBreakerRegistry(), sleep: async () => {} },
  });
  return createAgentBuilder({ models: staticModels(model), tools }, { tools: ["calculator"] }).compile({ checkpointer: saver });
}

/** The tool messages the stub's `request`-th chat request carried (what the model was told the tools answered). */
export function toolMessagesSent(stub: OpenAIStub, request: number): string[] {
  return (stub.chatRequests[request]!.body.messages as { role: string; content: string }[]).filter((m) => m.role === "tool").map((m) => m.content);
}
