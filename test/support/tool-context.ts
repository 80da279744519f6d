/** A ToolRunContext for calling a tool's `run` directly in unit tests. */
import type { ToolRunContext } from "../../tools/types.js";

/** Builds a run context with harmless defaults; override what the test is about. */
export function toolRunContext(overrides: Partial<ToolRunContext> = {}): ToolRunContext {
  return {
    threadId: "thread-1",
    runId: "run-1",
    graphId: "test_graph",
    agent: "tester",
    owner: "owner-1",
    toolCallId: "call-1",
    idempotencyKey: "sb-test-key",
    signal: new AbortController().signal,
    ...overrides,
  };
}
