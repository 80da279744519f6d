/** Tracing of runs: LangSmith with Switchboard's metadata and anonymizer, local step trees, cost. */
export { createRunTracing, flushTraces, type RunTracing, type RunTracingOptions } from "./run-tracing.js";
export { costOfSteps } from "./cost.js";
export { isPlumbingRun, stepsOfRun, type RunShape } from "./steps.js";
export { langsmithClient, traceAnonymizer } from "./langsmith.js";
export { terminalStateOf } from "./recorder.js";
export { renderTrace, stepLine } from "./render.js";
export { costSummary } from "./cost.js";
export { langsmithRunUrl } from "./links.js";
export { MemoryTraceStore, RedisTraceStore, type TraceStoreOptions } from "./trace-store.js";
export { openTraceStore } from "./open-store.js";
export { createTraceAnonymizer, DEFAULT_SECRET_FIELDS, REDACTED, type TraceAnonymizer, type TraceAnonymizerOptions } from "./anonymizer.js";
export * from "./trace.js";
