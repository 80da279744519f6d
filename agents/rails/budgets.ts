/**
 * Usage accounting and the budgets rail: tokens, cost, tool calls and model calls per run. A
 * parent hands its children only what it has left, so no sub-agent can outspend the graph that
 * called it.
 */
import type { AIMessage } from "@langchain/core/messages";
import { z } from "zod";
import { costOf, type PriceTable } from "../../lib/prices.js";
import type { RailEvent, RunLimits, Usage } from "../../lib/contracts/run.js";
import { compactLimits, minOf, type Rail } from "./rail.js";

export { TERMINAL_STATES } from "../../lib/contracts/run.js";
export type { RailEvent, RunLimits, TerminalState, Usage } from "../../lib/contracts/run.js";

/** The zero usage. */
export const NO_USAGE: Usage = Object.freeze({ inputTokens: 0, outputTokens: 0, totalTokens: 0, costUsd: 0, modelCalls: 0, toolCalls: 0 });

/** Sums two usages (the reducer of every `usage` channel). */
export function addUsage(a: Usage | undefined, b: Partial<Usage> | undefined): Usage {
  const base = a ?? NO_USAGE;
  if (!b) return base;
  return {
    inputTokens: base.inputTokens + (b.inputTokens ?? 0),
    outputTokens: base.outputTokens + (b.outputTokens ?? 0),
    totalTokens: base.totalTokens + (b.totalTokens ?? 0),
    costUsd: roundUsd(base.costUsd + (b.costUsd ?? 0)),
    modelCalls: base.modelCalls + (b.modelCalls ?? 0),
    toolCalls: base.toolCalls + (b.toolCalls ?? 0),
  };
}

/** The usage of one model response, priced with `prices`. */
export function usageOfResponse(message: AIMessage, prices: PriceTable, fallbackModel?: string): Usage {
  const meta = message.usage_metadata;
  const inputTokens = meta?.input_tokens ?? 0;
  const outputTokens = meta?.output_tokens ?? 0;
  const model = String(message.response_metadata?.model_name ?? message.response_metadata?.model ?? fallbackModel ?? "");
  return {
    inputTokens,
    outputTokens,
    totalTokens: meta?.total_tokens ?? inputTokens + outputTokens,
    costUsd: costOf(prices, model, inputTokens, outputTokens),
    modelCalls: 1,
    toolCalls: 0,
  };
}

const positiveInt = z.number().int().positive();

/** A budget that ran out. */
export interface BudgetTrip {
  budget: "tokens" | "cost" | "tool_calls" | "model_calls";
  limit: number;
  used: number;
}

/** The first run-wide budget that is exhausted, if any. */
export function exhaustedBudget(limits: RunLimits, usage: Usage): BudgetTrip | undefined {
  if (limits.maxTokens !== undefined && usage.totalTokens >= limits.maxTokens) return { budget: "tokens", limit: limits.maxTokens, used: usage.totalTokens };
  if (limits.maxCostUsd !== undefined && usage.costUsd >= limits.maxCostUsd) return { budget: "cost", limit: limits.maxCostUsd, used: usage.costUsd };
  if (limits.maxModelCalls !== undefined && usage.modelCalls >= limits.maxModelCalls) return { budget: "model_calls", limit: limits.maxModelCalls, used: usage.modelCalls };
  return undefined;
}

/** Says a trip in words a user (and a model) understands. */
export function describeTrip(trip: BudgetTrip): string {
  const name = { tokens: "token", cost: "cost (USD)", tool_calls: "tool-call", model_calls: "model-call" }[trip.budget];
  return `The run's ${name} budget is exhausted: used ${trip.used} of ${trip.limit}.`;
}

/** The budgets rail: tokens, cost and model calls are checked here, tool calls by the tool executor. */
export const budgetRail: Rail = {
  name: "budgets",
  settings: { maxTokens: positiveInt, maxCostUsd: z.number().positive(), maxToolCalls: positiveInt, maxModelCalls: positiveInt },
  check({ limits, usage }) {
    const trip = exhaustedBudget(limits, usage);
    return trip && { kind: "budget_exceeded", reason: describeTrip(trip) };
  },
  handDown({ limits, usage }) {
    const left = (limit: number | undefined, used: number) => (limit === undefined ? undefined : Math.max(0, limit - used));
    return compactLimits({
      maxTokens: left(limits.maxTokens, usage.totalTokens),
      maxCostUsd: limits.maxCostUsd === undefined ? undefined : roundUsd(Math.max(0, limits.maxCostUsd - usage.costUsd)),
      maxToolCalls: left(limits.maxToolCalls, usage.toolCalls),
      maxModelCalls: left(limits.maxModelCalls, usage.modelCalls),
    });
  },
  split(limits, parts) {
    // Parallel children split what is left evenly, so together they stay inside it.
    const share = (value: number | undefined, integer: boolean) =>
      value === undefined ? undefined : integer ? Math.floor(value / parts) : roundUsd(value / parts);
    return compactLimits({
      maxTokens: share(limits.maxTokens, true),
      maxCostUsd: share(limits.maxCostUsd, false),
      maxToolCalls: share(limits.maxToolCalls, true),
      maxModelCalls: share(limits.maxModelCalls, true),
    });
  },
  tighter(a, b) {
    return compactLimits({
      maxTokens: minOf(a.maxTokens, b.maxTokens),
      maxCostUsd: minOf(a.maxCostUsd, b.maxCostUsd),
      maxToolCalls: minOf(a.maxToolCalls, b.maxToolCalls),
      maxModelCalls: minOf(a.maxModelCalls, b.maxModelCalls),
    });
  },
};

/** A rail event stamped now. */
export function railEvent(kind: string, agent: string, detail: string, tool?: string): RailEvent {
  return { kind, agent, detail, at: new Date().toISOString(), ...(tool ? { tool } : {}) };
}

function roundUsd(value: number): number {
  return Math.round(value * 1e9) / 1e9;
}
