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

/**
 * A model call still waiting for its endpoint, reported every few seconds (and when an attempt
 * fails and is retried), so a slow or hanging model is never minutes of silence. Travels as a
 * progress event on the run's `custom` stream (the CLI's lines, the server's `custom` events).
 */
export interface ModelWaitEvent {
  type: "model_wait";
  /** The agent (or supervisor) whose call waits. */
  agent: string;
  model: string;
  /** 1-based attempt, of `attempts` in all (1 + OPENAI_MAX_RETRIES). */
  attempt: number;
  attempts: number;
  /** How long this attempt has waited so far, and its limit (OPENAI_TIMEOUT_MS). */
  waitedMs: number;
  limitMs: number;
  /** Set when the attempt failed and another follows, e.g. "no response within 30 s; retrying in 1 s". */
  retry?: string;
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
