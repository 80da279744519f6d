/**
 * Token, tool and cost counters for `/metrics`, fed with each finished run's trace (which sees
 * every model call, subgraphs included): tokens by kind, tool calls by outcome, tokens and USD
 * per run (histograms by graph and terminal state), per agent, per tool and per model:
 *
 *   const costs = registerCostMetrics(metrics);   // the process's one MetricRegistry
 *   createRunTracing({ ..., onFinish: costs.record });
 *
 * Run ids are not labels (unbounded cardinality); a single run's spending is in its trace and
 * its run metadata.
 */
import type { RunTrace } from "../../../tracing/index.js";
import type { MetricRegistry } from "../ops/metric-registry.js";

/** Records finished runs into the registry's cost metrics. */
export interface CostMetrics {
  record(trace: RunTrace): void;
}

/** Records traces into the metrics of `metrics` (defined once in the metric registry). */
export function registerCostMetrics(metrics: Pick<MetricRegistry, "counters" | "histograms">): CostMetrics {
  const { tokens, toolCalls, toolTokens, toolCost, agentTokens, agentCost, agentModelCalls, modelTokens, modelCost } = metrics.counters;
  const { runCost, runTokens } = metrics.histograms;
  return {
    record(trace) {
      const graph = trace.graphId;
      const { total, byAgent, byTool, byModel } = trace.cost;
      const state = trace.terminalState ?? "unknown";
      runCost.observe({ graph_id: graph, terminal_state: state }, total.costUsd);
      runTokens.observe({ graph_id: graph, terminal_state: state }, total.totalTokens);
      tokens.inc({ kind: "input", graph_id: graph }, total.inputTokens);
      tokens.inc({ kind: "output", graph_id: graph }, total.outputTokens);
      for (const [agent, usage] of Object.entries(byAgent)) {
        agentTokens.inc({ graph_id: graph, agent, direction: "input" }, usage.inputTokens);
        agentTokens.inc({ graph_id: graph, agent, direction: "output" }, usage.outputTokens);
        agentCost.inc({ graph_id: graph, agent }, usage.costUsd);
        agentModelCalls.inc({ graph_id: graph, agent }, usage.modelCalls);
      }
      for (const [tool, usage] of Object.entries(byTool)) {
        if (usage.calls > usage.errors) toolCalls.inc({ graph_id: graph, tool, outcome: "ok" }, usage.calls - usage.errors);
        if (usage.errors > 0) toolCalls.inc({ graph_id: graph, tool, outcome: "error" }, usage.errors);
        toolTokens.inc({ graph_id: graph, tool }, usage.totalTokens);
        toolCost.inc({ graph_id: graph, tool }, usage.costUsd);
      }
      for (const [model, usage] of Object.entries(byModel)) {
        modelTokens.inc({ model, direction: "input" }, usage.inputTokens);
        modelTokens.inc({ model, direction: "output" }, usage.outputTokens);
        modelCost.inc({ model }, usage.costUsd);
      }
    },
  };
}
