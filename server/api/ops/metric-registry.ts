/**
 * Every metric `/metrics` serves, defined once: name, help, labels (and buckets). Each process
 * builds one registry from these definitions, so two modules can never register one name with
 * two label sets (switchboard_tool_calls_total once had both, and every run with a tool threw
 * inside the recorder, losing the tool series and the token counts after it).
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";

interface Definition {
  name: string;
  help: string;
  labels: readonly string[];
}

const COUNTERS = {
  runsCreated: { name: "switchboard_runs_created_total", help: "Runs created, by multitask strategy.", labels: ["strategy"] },
  runsFinished: { name: "switchboard_runs_total", help: "Runs finished, by final status.", labels: ["status", "graph_id"] },
  tokens: { name: "switchboard_tokens_total", help: "Model tokens of finished runs (every model call, subgraphs included), by kind (input/output).", labels: ["kind", "graph_id"] },
  toolCalls: { name: "switchboard_tool_calls_total", help: "Tool calls of finished runs, by outcome (ok, or error including refusals).", labels: ["graph_id", "tool", "outcome"] },
  toolTokens: { name: "switchboard_tool_tokens_total", help: "Tokens of the model replies that asked for each tool (split between the calls of one reply).", labels: ["graph_id", "tool"] },
  toolCost: { name: "switchboard_tool_cost_usd_total", help: "USD of the model replies that asked for each tool (split between the calls of one reply).", labels: ["graph_id", "tool"] },
  agentTokens: { name: "switchboard_agent_tokens_total", help: "Tokens spent by each agent's model calls.", labels: ["graph_id", "agent", "direction"] },
  agentCost: { name: "switchboard_agent_cost_usd_total", help: "USD spent by each agent's model calls.", labels: ["graph_id", "agent"] },
  agentModelCalls: { name: "switchboard_agent_model_calls_total", help: "Model calls of each agent.", labels: ["graph_id", "agent"] },
  modelTokens: { name: "switchboard_model_tokens_total", help: "Tokens by model.", labels: ["model", "direction"] },
  modelCost: { name: "switchboard_model_cost_usd_total", help: "USD by model.", labels: ["model"] },
  cronFirings: { name: "switchboard_cron_firings_total", help: "Cron ticks, by outcome (fired: a run was created; failed: it could not be; duplicate: another process had fired it).", labels: ["outcome"] },
  webhookDeliveries: { name: "switchboard_webhook_deliveries_total", help: "Completion webhook attempts, by outcome (delivered; retried: a failed attempt that will be tried again; failed: given up or refused).", labels: ["outcome"] },
  runsDeadLettered: { name: "switchboard_runs_dead_lettered_total", help: "Runs moved to the dead-letter list by this process (too many takeovers or failures).", labels: ["graph_id"] },
} as const satisfies Record<string, Definition>;

const HISTOGRAMS = {
  runDuration: { name: "switchboard_run_duration_seconds", help: "Run execution time, by final status.", labels: ["status", "graph_id"], buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300] },
  runCost: { name: "switchboard_run_cost_usd", help: "Cost of each finished run (segment) in USD.", labels: ["graph_id", "terminal_state"], buckets: [0.0001, 0.001, 0.01, 0.05, 0.1, 0.5, 1, 5, 10] },
  runTokens: { name: "switchboard_run_tokens", help: "Tokens (input + output) of each finished run (segment).", labels: ["graph_id", "terminal_state"], buckets: [100, 1_000, 5_000, 20_000, 100_000, 500_000, 2_000_000] },
} as const satisfies Record<string, Definition & { buckets: readonly number[] }>;

const GAUGES = {
  runsInFlight: { name: "switchboard_runs_in_flight", help: "Runs executing in this process.", labels: [] },
  queueDepth: { name: "switchboard_queue_depth", help: "Runs waiting for a worker.", labels: [] },
  deadLetterRuns: { name: "switchboard_dead_letter_runs", help: "Runs on the dead-letter list now, waiting for an operator to retry or discard them.", labels: [] },
} as const satisfies Record<string, Definition>;

type LabelsOf<D extends Definition> = D["labels"][number];

/** The process's registry and its metrics, by definition key. */
export interface MetricRegistry {
  registry: Registry;
  counters: { [K in keyof typeof COUNTERS]: Counter<LabelsOf<(typeof COUNTERS)[K]>> };
  histograms: { [K in keyof typeof HISTOGRAMS]: Histogram<LabelsOf<(typeof HISTOGRAMS)[K]>> };
  gauges: { [K in keyof typeof GAUGES]: Gauge };
}

/** Builds the registry with every defined metric; `collect` hooks fill gauges at scrape time. */
export function createMetricRegistry(options: { defaultMetrics?: boolean; collect?: Partial<Record<keyof typeof GAUGES, () => Promise<number>>> } = {}): MetricRegistry {
  const registry = new Registry();
  if (options.defaultMetrics !== false) collectDefaultMetrics({ register: registry, prefix: "switchboard_" });
  const build = <T extends Record<string, Definition>, M>(definitions: T, make: (key: string, definition: T[keyof T]) => M) =>
    Object.fromEntries(Object.entries(definitions).map(([key, definition]) => [key, make(key, definition as T[keyof T])]));
  const counters = build(COUNTERS, (_key, { name, help, labels }) => new Counter({ name, help, labelNames: labels, registers: [registry] }));
  const histograms = build(HISTOGRAMS, (_key, { name, help, labels, buckets }) => new Histogram({ name, help, labelNames: labels, buckets: [...buckets], registers: [registry] }));
  const gauges = build(GAUGES, (key, { name, help }) => {
    const read = options.collect?.[key as keyof typeof GAUGES];
    return new Gauge({
      name,
      help,
      registers: [registry],
      ...(read
        ? {
            async collect(this: Gauge) {
              this.set(await read().catch(() => 0));
            },
          }
        : {}),
    });
  });
  return { registry, counters, histograms, gauges } as unknown as MetricRegistry;
}
