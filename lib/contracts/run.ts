/**
 * The run's vocabulary: how a run ends, what it may spend, what it spent, and the rail events
 * it records. Declared once here; agents, tools, memory, tracing and the server import it.
 */

/** Named terminal states; every run ends in exactly one of them. */
export const TERMINAL_STATES = ["completed", "budget_exceeded", "loop_detected", "rejected", "failed", "cancelled"] as const;
/** A run's terminal state. */
export type TerminalState = (typeof TERMINAL_STATES)[number];

/** Run-wide budgets; unset means unlimited. */
export interface RunLimits {
  /** Total tokens (input + output) across every model call of the run. */
  maxTokens?: number;
  /** Money across every model call, priced with the run's price table. */
  maxCostUsd?: number;
  /** Tool calls across every agent. */
  maxToolCalls?: number;
  /** Model calls across every agent (the run-wide iteration limit). */
  maxModelCalls?: number;
  /** Wall-clock time of the run, from its start, in milliseconds. */
  maxDurationMs?: number;
  /** The absolute deadline (epoch ms) a parent hands its children: shared by them, never split. */
  deadline?: number;
}

/** What a run (or one agent of it) has spent. */
export interface Usage {
  inputTokens: number;
  outputTokens: number;
  totalTokens: number;
  costUsd: number;
  modelCalls: number;
  toolCalls: number;
}

/** Something the rails (or the tool executor) did or noticed: a trip, an intervention, an approval. */
export interface RailEvent {
  /** e.g. `budget_exceeded`, `loop_warning`, `context_compacted`, `tool_budget_exhausted`, `guardrail_denied`. */
  kind: string;
  /** The agent (or supervisor) it concerns. */
  agent: string;
  /** The tool, when a tool call is concerned. */
  tool?: string;
  /** Human-readable detail. */
  detail: string;
  /** ISO timestamp. */
  at: string;
}
