/**
 * The tools layer's public surface. Graph and agent code import from here only.
 *
 * - Define a tool: `defineTool({ name, description, schema, timeoutMs, sideEffect, secretFields?, run })`.
 * - Offer tools to a model: `model.bindTools(toLangChainTools(specs))`.
 * - Run a model's tool calls: `executeToolCalls(aiMessage, specs, ctx, deps)` →
 *   `{ messages: ToolMessage[], toolCallsUsed, railEvents: RailEvent[] }`; keep `toolCallsUsed` and
 *   the rail events in graph state. Pass `catalog.executorDeps` as `deps` (operator policies, rate
 *   limits); `ctx.owner` and `ctx.checkpointId` are optional additions to the agreed context.
 *   Rail event kinds: `tool_budget_exhausted`, `rate_limited`, `guardrail_denied`,
 *   `approval_rejected`, `approval_edited`. It may pause the run with `interrupt(ToolApprovalRequest)`
 *   (one interrupt per call needing approval, all before any call runs); resume with a
 *   `ToolApprovalDecision`. It throws only for a bad `configurable.toolPolicies` (InvalidInputError)
 *   and for LangGraph control flow / a cancelled run.
 * - Build the tool set from env + injected services: `createToolCatalog(...)` (see catalog.ts).
 * - External tools (MCP servers, OpenAPI services): `loadExternalToolsConfig(env.SWITCHBOARD_MCP_CONFIG)`,
 *   passed to the catalog as `externalTools`; `catalog.external` starts, lists and closes them.
 */
export { defineTool, type AnyToolSpec, type SideEffectClass, type ToolExecutionContext } from "./types.js";
export type { ToolApprovalDecision, ToolApprovalRequest } from "./execution/guardrail.js";
export { toolPolicyMapSchema } from "./execution/guardrail.js";
export { executeToolCalls, type ToolExecutionResult, type ToolExecutorDeps } from "./execution/executor.js";
export { createRedisCallLedger, TOOL_LEDGER_CONFIG_KEY } from "./execution/call-ledger.js";
export { toLangChainTools } from "./langchain.js";
export { DestinationRefusedError, guardedRequest, parseAllowlist, type NetPolicy } from "./net/net-guard.js";
export { createToolCatalog, type ToolCatalog } from "./catalog.js";
export { loadExternalToolsConfig, type ExternalToolSources, type SourceListing } from "./external/index.js";
export { TOOL_NAMES } from "./builtin/index.js";
export { calculatorTool } from "./builtin/calculator.js";
export { runJavascriptTool } from "./builtin/run-javascript.js";
