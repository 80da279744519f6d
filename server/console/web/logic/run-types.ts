/** The live run view's vocabulary (what the Run page shows) and the small helpers its folds share. */

import type { Usage } from "../../../../lib/contracts/run.js";

/** Tokens, money and counts, as the rails count them (the run's own `Usage`; a type import, so nothing of lib reaches the bundle). */
export type UsageView = Usage;

/** One agent seen in the run. */
export interface AgentView {
  name: string;
  status: "working" | "done" | "failed";
  task: string;
  toolCalls: number;
}

/** One line of the live feed. */
export interface FeedItem {
  kind: "run" | "handoff" | "agent" | "model" | "tool" | "result" | "rail" | "wait" | "pause" | "error";
  agent: string;
  text: string;
}

/** What the Run page shows. */
export interface RunView {
  runId: string | null;
  /** `running`, `interrupted` (waiting for a human), or the run's final status. */
  status: string;
  agents: AgentView[];
  feed: FeedItem[];
  /** The graph node working now (highlighted on the Graph page). */
  activeNode: string | null;
  /** What the root state last counted. */
  usage: UsageView;
  /** Spending reported by subgraph nodes since: shown on top, so the numbers climb while a specialist works, never counted twice. */
  pendingUsage: UsageView;
  answer: string | null;
  /** Ids of the messages and interrupts already shown (the same one reaches several updates: the sub-agent's, then its parent's). */
  seenMessages: string[];
  terminalState: string | null;
  statusReason: string | null;
}

/** Nothing spent. */
export const NO_USAGE: UsageView = { inputTokens: 0, outputTokens: 0, totalTokens: 0, costUsd: 0, modelCalls: 0, toolCalls: 0 };
const FEED_LIMIT = 400;

/** The agents with one added or changed. */
export function upsertAgent(agents: AgentView[], name: string, change: (agent: AgentView) => AgentView): AgentView[] {
  const at = agents.findIndex((agent) => agent.name === name);
  const current = at >= 0 ? agents[at]! : { name, status: "working" as const, task: "", toolCalls: 0 };
  const updated = change(current);
  return at >= 0 ? agents.map((agent, index) => (index === at ? updated : agent)) : [...agents, updated];
}

/** Appends a feed line (the feed keeps its newest lines). */
export function push(view: RunView, item: FeedItem): void {
  view.feed = [...view.feed, item].slice(-FEED_LIMIT);
}

/** Two spendings added. */
export function addUsage(a: UsageView, b: Partial<UsageView>): UsageView {
  return {
    inputTokens: a.inputTokens + num(b.inputTokens),
    outputTokens: a.outputTokens + num(b.outputTokens),
    totalTokens: a.totalTokens + num(b.totalTokens),
    costUsd: a.costUsd + num(b.costUsd),
    modelCalls: a.modelCalls + num(b.modelCalls),
    toolCalls: a.toolCalls + num(b.toolCalls),
  };
}

/** The value if it is an array, else []. */
export function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}
/** The value if it is a string, else null. */
export function str(value: unknown): string | null {
  return typeof value === "string" ? value : null;
}
/** The value if it is a finite number, else 0. */
export function num(value: unknown): number {
  return typeof value === "number" && Number.isFinite(value) ? value : 0;
}
/** The text cut to `max` characters. */
export function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
