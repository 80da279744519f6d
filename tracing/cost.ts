/**
 * Cost accounting of a traced run: tokens and money in total, per agent, per model and per
 * tool. A tool's share is the cost of the model replies that asked for it, split evenly
 * between the calls of one reply: what it took to decide to use the tool.
 */
import type { TraceCost, TraceStep, TraceUsage } from "./trace.js";

const zero = (): TraceUsage => ({ inputTokens: 0, outputTokens: 0, totalTokens: 0, costUsd: 0 });

function add(into: TraceUsage, usage: TraceUsage, share = 1): void {
  into.inputTokens += usage.inputTokens * share;
  into.outputTokens += usage.outputTokens * share;
  into.totalTokens += usage.totalTokens * share;
  into.costUsd = roundUsd(into.costUsd + usage.costUsd * share);
}

/** Tokens and cost of the steps, broken down by agent, tool and model. */
export function costOfSteps(steps: readonly TraceStep[]): TraceCost {
  const cost: TraceCost = { total: { ...zero(), modelCalls: 0, toolCalls: 0 }, byAgent: {}, byTool: {}, byModel: {} };
  const agent = (name: string) => (cost.byAgent[name] ??= { ...zero(), modelCalls: 0, toolCalls: 0 });
  const shares = new Map<string, TraceUsage>();
  for (const step of steps) {
    if (!step.model) continue;
    const usage = step.model.usage;
    add(cost.total, usage);
    cost.total.modelCalls += 1;
    add(agent(step.agent), usage);
    agent(step.agent).modelCalls += 1;
    const model = (cost.byModel[step.model.model] ??= { ...zero(), calls: 0 });
    add(model, usage);
    model.calls += 1;
    const calls = step.model.response?.toolCalls ?? [];
    for (const call of calls) {
      if (!call.id) continue;
      const share = zero();
      add(share, usage, 1 / calls.length);
      shares.set(call.id, share);
    }
  }
  for (const step of steps) {
    if (!step.tool) continue;
    cost.total.toolCalls += 1;
    agent(step.agent).toolCalls += 1;
    const tool = (cost.byTool[step.name] ??= { ...zero(), calls: 0, errors: 0, durationMs: 0 });
    tool.calls += 1;
    if (step.status === "error") tool.errors += 1;
    tool.durationMs += step.durationMs ?? 0;
    const share = step.tool.toolCallId ? shares.get(step.tool.toolCallId) : undefined;
    if (share) add(tool, share);
  }
  for (const usage of [...Object.values(cost.byTool)]) {
    usage.inputTokens = Math.round(usage.inputTokens);
    usage.outputTokens = Math.round(usage.outputTokens);
    usage.totalTokens = Math.round(usage.totalTokens);
  }
  return cost;
}

function roundUsd(value: number): number {
  return Math.round(value * 1e9) / 1e9;
}

/** A run's spending for run metadata (snake_case, as LangSmith and the LangGraph API show metadata). */
export function costSummary(cost: TraceCost): Record<string, unknown> {
  const pick = (usage: TraceUsage) => ({ input_tokens: usage.inputTokens, output_tokens: usage.outputTokens, total_tokens: usage.totalTokens, cost_usd: usage.costUsd });
  return {
    ...pick(cost.total),
    model_calls: cost.total.modelCalls,
    tool_calls: cost.total.toolCalls,
    by_agent: Object.fromEntries(Object.entries(cost.byAgent).map(([agent, usage]) => [agent, pick(usage)])),
    by_tool: Object.fromEntries(Object.entries(cost.byTool).map(([tool, usage]) => [tool, { ...pick(usage), calls: usage.calls, errors: usage.errors }])),
  };
}
