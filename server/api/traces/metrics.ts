/**
 * Cost counters for `/metrics`: tokens and USD per run (histograms by graph and terminal
 * state), per agent, per tool and per model (counters), fed with each finished run's trace:
 *
 *   const costs = registerCostMetrics(registry);
 *   createRunTracing({ ..., onFinish: costs.record });
 *
 * Run ids are not labels (unbounded cardinality); a single run's spending is in its trace and
 * its run metadata.
 */
import { Counter, Histogram, type Registry } from "prom-client";
import type { RunTrace } from "../../../tracing/index.js";

/** Records finished runs into the registry's cost metrics. */
export interface CostMetrics {
  record(trace: RunTrace): void;
}

/** Registers the cost metrics in `registry` (once per registry; a second call reuses them). */
export function registerCostMetrics(registry: Registry): CostMetrics {
  const counter = <L extends string>(name: string, help: string, labelNames: readonly L[]) =>
    (registry.getSingleMetric(name) as Counter<L> | undefined) ?? new Counter({ name, help, labelNames, registers: [registry] });
  const histogram = <L extends string>(name: string, help: string, labelNames: readonly L[], buckets: number[]) =>
    (registry.getSingleMetric(name) as Histogram<L> | undefined) ?? new Histogram({ name, help, labelNames, buckets, registers: [registry] });

  const runCost = histogram("switchboard_run_cost_usd", "Cost of each finished run (segment) in USD.", ["graph_id", "terminal_state"], [0.0001, 0.001, 0.01, 0.05, 0.1, 0.5, 1, 5, 10]);
  const runTokens = histogram("switchboard_run_tokens", "Tokens (input + output) of each finished run (segment).", ["graph_id", "terminal_state"], [100, 1_000, 5_000, 20_000, 100_000, 500_000, 2_000_000]);
  const agentTokens = counter("switchboard_agent_tokens_total", "Tokens spent by each agent's model calls.", ["graph_id", "agent", "direction"]);
  const agentCost = counter("switchboard_agent_cost_usd_total", "USD spent by each agent's model calls.", ["graph_id", "agent"]);
  const agentModelCalls = counter("switchboard_agent_model_calls_total", "Model calls of each agent.", ["graph_id", "agent"]);
  const toolCalls = counter("switchboard_tool_calls_total", "Tool calls, by outcome (ok, or error including refusals).", ["graph_id", "tool", "outcome"]);
  const toolTokens = counter("switchboard_tool_tokens_total", "Tokens of the model replies that asked for each tool (split between the calls of one reply).", ["graph_id", "tool"]);
  const toolCost = counter("switchboard_tool_cost_usd_total", "USD of the model replies that asked for each tool (split between the calls of one reply).", ["graph_id", "tool"]);
  const modelTokens = counter("switchboard_model_tokens_total", "Tokens by model.", ["model", "direction"]);
  const modelCost = counter("switchboard_model_cost_usd_total", "USD by model.", ["model"]);

  return {
    record(trace) {
      const graph = trace.graphId;
      const { total, byAgent, byTool, byModel } = trace.cost;
      const state = trace.terminalState ?? "unknown";
      runCost.observe({ graph_id: graph, terminal_state: state }, total.costUsd);
      runTokens.observe({ graph_id: graph, terminal_state: state }, total.totalTokens);
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
