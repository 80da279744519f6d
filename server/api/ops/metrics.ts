/**
 * The server's Prometheus registry, created in this one module so other areas (tracing's cost
 * counters) register into the same registry: runs by status, run duration, queue depth, runs in
 * flight, tokens and tool calls.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";
import type { RunObserver } from "../../execution/handler.js";
import type { RunRecord } from "../../records/types.js";

/** The server's metrics. */
export interface ServerMetrics {
  registry: Registry;
  runsCreated: Counter<"strategy">;
  runsFinished: Counter<"status" | "graph_id">;
  runDuration: Histogram<"status" | "graph_id">;
  runsInFlight: Gauge;
  queueDepth: Gauge;
  /** Runs moved to the dead-letter list by this process. */
  runsDeadLettered: Counter<"graph_id">;
  tokens: Counter<"kind" | "graph_id">;
  toolCalls: Counter<"tool" | "graph_id">;
  /** Run hooks for the handler. */
  observer: RunObserver;
}

/** Creates the registry and the server's metrics; `queueDepth` is read from `depth` at scrape time. */
export function createServerMetrics(options: { depth?: () => Promise<number>; deadLetters?: () => Promise<number>; defaultMetrics?: boolean } = {}): ServerMetrics {
  const registry = new Registry();
  if (options.defaultMetrics !== false) collectDefaultMetrics({ register: registry, prefix: "switchboard_" });
  const runsCreated = new Counter({ name: "switchboard_runs_created_total", help: "Runs created, by multitask strategy.", labelNames: ["strategy"] as const, registers: [registry] });
  const runsFinished = new Counter({ name: "switchboard_runs_total", help: "Runs finished, by final status.", labelNames: ["status", "graph_id"] as const, registers: [registry] });
  const runDuration = new Histogram({
    name: "switchboard_run_duration_seconds",
    help: "Run execution time, by final status.",
    labelNames: ["status", "graph_id"] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
    registers: [registry],
  });
  const runsInFlight = new Gauge({ name: "switchboard_runs_in_flight", help: "Runs executing in this process.", registers: [registry] });
  const depth = options.depth;
  const queueDepth = new Gauge({
    name: "switchboard_queue_depth",
    help: "Runs waiting for a worker.",
    registers: [registry],
    async collect() {
      if (depth) this.set(await depth().catch(() => 0));
    },
  });
  const runsDeadLettered = new Counter({ name: "switchboard_runs_dead_lettered_total", help: "Runs moved to the dead-letter list (too many takeovers or failures).", labelNames: ["graph_id"] as const, registers: [registry] });
  const deadLetters = options.deadLetters;
  new Gauge({
    name: "switchboard_dead_letter_runs",
    help: "Runs on the dead-letter list now, waiting for an operator to retry or discard them.",
    registers: [registry],
    async collect() {
      if (deadLetters) this.set(await deadLetters().catch(() => 0));
    },
  });
  const tokens = new Counter({ name: "switchboard_tokens_total", help: "Model tokens, by kind (input/output).", labelNames: ["kind", "graph_id"] as const, registers: [registry] });
  const toolCalls = new Counter({ name: "switchboard_tool_calls_total", help: "Tool calls made by runs.", labelNames: ["tool", "graph_id"] as const, registers: [registry] });

  const observer: RunObserver = {
    started: () => runsInFlight.inc(),
    finished(run: RunRecord, status, seconds, usage) {
      const graphId = run.kwargs.graph_id;
      runsInFlight.dec();
      runsFinished.inc({ status, graph_id: graphId });
      runDuration.observe({ status, graph_id: graphId }, seconds);
      if (usage.inputTokens > 0) tokens.inc({ kind: "input", graph_id: graphId }, usage.inputTokens);
      if (usage.outputTokens > 0) tokens.inc({ kind: "output", graph_id: graphId }, usage.outputTokens);
      for (const [tool, count] of Object.entries(usage.toolCalls)) toolCalls.inc({ tool, graph_id: graphId }, count);
    },
  };
  return { registry, runsCreated, runsFinished, runDuration, runsInFlight, queueDepth, runsDeadLettered, tokens, toolCalls, observer };
}

