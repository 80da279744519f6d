/**
 * The server's metrics on the process's one registry (server/api/ops/metric-registry.ts): runs
 * created and finished, run duration, runs in flight and queue depth from the run hooks; token
 * and tool counters come from each finished run's trace (server/api/traces/metrics.ts), which
 * sees every model call, subgraphs included. Cron firings and webhook deliveries are counted
 * where they happen (server/api/crons, server/execution/webhooks).
 */
import type { RunObserver } from "../../execution/handler.js";
import type { RunRecord } from "../../records/types.js";
import { createMetricRegistry, type MetricRegistry } from "./metric-registry.js";

/** The server's metrics. */
export interface ServerMetrics extends MetricRegistry {
  /** Runs created, by multitask strategy (counted by the runs service). */
  runsCreated: MetricRegistry["counters"]["runsCreated"];
  /** Cron ticks: fired, failed, duplicate (another process had fired it). */
  cronFirings: MetricRegistry["counters"]["cronFirings"];
  /** Completion webhook attempts: delivered, retried, failed. */
  webhookDeliveries: MetricRegistry["counters"]["webhookDeliveries"];
  /** Run hooks for the handler. */
  observer: RunObserver;
}

/** Creates the registry and the run hooks; `queueDepth` is read from `depth` at scrape time. */
export function createServerMetrics(options: { depth?: () => Promise<number>; deadLetters?: () => Promise<number>; defaultMetrics?: boolean } = {}): ServerMetrics {
  const collect = { ...(options.depth ? { queueDepth: options.depth } : {}), ...(options.deadLetters ? { deadLetterRuns: options.deadLetters } : {}) };
  const metrics = createMetricRegistry({ ...(options.defaultMetrics !== undefined ? { defaultMetrics: options.defaultMetrics } : {}), collect });
  const { runsFinished } = metrics.counters;
  const { runDuration } = metrics.histograms;
  const { runsInFlight } = metrics.gauges;
  const observer: RunObserver = {
    started: () => runsInFlight.inc(),
    finished(run: RunRecord, status, seconds) {
      const graphId = run.kwargs.graph_id;
      runsInFlight.dec();
      runsFinished.inc({ status, graph_id: graphId });
      runDuration.observe({ status, graph_id: graphId }, seconds);
    },
  };
  return { ...metrics, runsCreated: metrics.counters.runsCreated, cronFirings: metrics.counters.cronFirings, webhookDeliveries: metrics.counters.webhookDeliveries, observer };
}
