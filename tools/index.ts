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
 */
export * from "./types.js";
export * from "./execution/guardrail.js";
export * from "./execution/rate-limit.js";
export { createMemoryCallLedger, createRedisCallLedger, ledgerOf, TOOL_LEDGER_CONFIG_KEY, type LedgerEntry, type RecordedToolCall, type ToolCallLedger } from "./execution/call-ledger.js";
export { executeToolCalls, MAX_APPROVAL_ATTEMPTS, type ToolExecutionResult, type ToolExecutorDeps } from "./execution/executor.js";
export { MAX_TOOL_OUTPUT_CHARS, ToolTimeoutError, idempotencyKey, validateArguments } from "./execution/call-steps.js";
export { toLangChainTool, toLangChainTools } from "./langchain.js";
export { createToolCatalog, type ToolCatalog, type ToolCatalogOptions, type ToolEnv } from "./catalog.js";
export { TOOL_NAMES, type ToolName } from "./builtin/index.js";
export { calculate, calculatorTool } from "./builtin/calculator.js";
export { runInSandbox, runJavascriptTool, DEFAULT_SANDBOX_LIMITS, type SandboxLimits, type SandboxResult } from "./builtin/run-javascript.js";
export { createHttpFetchTool, type HttpFetchOptions } from "./builtin/http-fetch.js";
export { createSendWebhookTool, type SendWebhookOptions } from "./builtin/send-webhook.js";
export { createWebSearchTool } from "./builtin/web-search.js";
export { createSearchKnowledgeTool } from "./builtin/search-knowledge.js";
export { createWriteFileTool, threadWorkspace } from "./builtin/write-file.js";
export { checkDestination, DestinationRefusedError, guardedRequest, parseAllowlist, type NetPolicy, type Resolver } from "./net/net-guard.js";
