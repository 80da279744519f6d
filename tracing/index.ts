/**
 * Tracing of runs, and tracing/'s only door: LangSmith with Switchboard's metadata and
 * anonymizer, local step trees and their store, rendering. Exports what code outside tracing/ uses.
 */
export { createRunTracing, flushTraces, type RunTracing, type RunTracingOptions } from "./run-tracing.js";
export { openTraceStore } from "./open-store.js";
export { MemoryTraceStore, RedisTraceStore } from "./trace-store.js";
export type { RunTrace, TraceStore } from "./trace.js";
export { renderTrace, stepLine } from "./render.js";
export { isPlumbingRun } from "./steps.js";
export { langsmithRunUrl } from "./links.js";
export { langsmithClient } from "./langsmith.js";
