/**
 * The tools layer's public surface. Graph and agent code import from here only.
 *
 * - Define a tool: `defineTool({ name, description, schema, timeoutMs, sideEffect, secretFields?, run })`.
 * - Offer tools to a model: `model.bindTools(toLangChainTools(specs))`.
 * - Run a model's tool calls: `executeToolCalls(aiMessage, specs, ctx, deps)` →
 *   `{ messages: ToolMessage[], toolCallsUsed, railEvents: RailEvent[] }`; keep `toolCallsUsed` and
 *   the rail events in graph state. It may pause the run with `interrupt(ToolApprovalRequest)`;
 *   resume with a `ToolApprovalDecision`.
 * - Build the tool set from env + injected services: `createToolCatalog(...)` (see catalog.ts).
 */
export * from "./types.js";
export * from "./guardrail.js";
export * from "./rate-limit.js";
export { executeToolCalls, MAX_APPROVAL_ATTEMPTS, type ToolExecutionResult, type ToolExecutorDeps } from "./executor.js";
export { MAX_TOOL_OUTPUT_CHARS, ToolTimeoutError, idempotencyKey, validateArguments } from "./call-steps.js";
export { toLangChainTool, toLangChainTools } from "./langchain.js";
