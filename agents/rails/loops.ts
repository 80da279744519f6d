/**
 * Loop detection. An agent repeating the same tool call with the same arguments, or a
 * supervisor bouncing between agents without getting anything new, is first told so (a
 * corrective note the model sees); if it carries on, the run escalates to a human with
 * `interrupt()` (policy `ask`) or stops cleanly in the `loop_detected` state (policy `stop`).
 */
import { createHash } from "node:crypto";
import { interrupt } from "@langchain/langgraph";

/** What to do when a loop persists after the corrective note. */
export type LoopAction = "ask" | "stop";

/** Loop detection settings. */
export interface LoopPolicy {
  /** How many times one identical tool call may run; the next identical call is a loop. */
  maxRepeats: number;
  /** Escalate to a human (`ask`) or stop the run (`stop`). */
  onLoop: LoopAction;
}

/** The default: an identical call may run twice; a persisting loop stops the run. */
export const DEFAULT_LOOP_POLICY: LoopPolicy = Object.freeze({ maxRepeats: 2, onLoop: "stop" });

/** Per-agent bookkeeping kept in state. */
export interface ToolLoopState {
  /** Executions per call signature. */
  counts: Record<string, number>;
  /** Whether the agent has already been warned. */
  warned: boolean;
}

/** The empty bookkeeping. */
export const NO_LOOPS: ToolLoopState = Object.freeze({ counts: {}, warned: false });

/** A stable key for a value: key order does not matter, short enough to keep in state. */
export function stableKey(value: unknown): string {
  return createHash("sha1").update(stableStringify(value)).digest("base64url").slice(0, 16);
}

function stableStringify(value: unknown): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value) ?? "undefined";
  if (Array.isArray(value)) return `[${value.map(stableStringify).join(",")}]`;
  const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${stableStringify(item)}`).join(",")}}`;
}

/** The signature of a tool call: tool name plus its arguments, key order ignored. */
export function callSignature(name: string, args: unknown): string {
  return `${name}:${stableKey(args ?? {})}`;
}

/** Splits a batch of tool calls into those that may run and those that repeat a call too often. */
export function classifyToolCalls<T extends { name: string; args?: unknown }>(
  calls: readonly T[],
  state: ToolLoopState,
  policy: LoopPolicy,
): { allowed: T[]; looping: T[]; counts: Record<string, number> } {
  const counts = { ...state.counts };
  const allowed: T[] = [];
  const looping: T[] = [];
  for (const call of calls) {
    const signature = callSignature(call.name, call.args);
    const seen = counts[signature] ?? 0;
    if (seen >= policy.maxRepeats) {
      looping.push(call);
    } else {
      counts[signature] = seen + 1;
      allowed.push(call);
    }
  }
  return { allowed, looping, counts };
}

/** The note a looping agent sees in place of the repeated call's result. */
export function loopNote(toolName: string, times: number): string {
  return (
    `Loop detected: you already called ${toolName} with exactly these arguments ${times} time(s); calling it again ` +
    "will not give a different result, so it was not run. Use the results you already have, try different arguments " +
    "or another tool, or give your answer now."
  );
}

/** The interrupt payload a human sees when a loop persists. */
export interface LoopEscalation {
  type: "loop_detected";
  agent: string;
  detail: string;
  /** What the human may answer. */
  options: { action: "continue" | "stop"; description: string }[];
  /** Set when the previous answer could not be understood. */
  error?: string;
}

/** A human's answer to a loop escalation. */
export type LoopDecision = { action: "continue"; note?: string } | { action: "stop"; reason?: string };

/** Parses a resume value; accepts the object form or a bare `continue` / `stop`. */
export function parseLoopDecision(value: unknown): LoopDecision | undefined {
  const raw = typeof value === "string" ? { action: value } : value;
  if (!raw || typeof raw !== "object") return undefined;
  const { action, note, reason } = raw as { action?: unknown; note?: unknown; reason?: unknown };
  if (action === "continue") return typeof note === "string" && note.trim() ? { action, note: note.trim() } : { action };
  if (action === "stop") return typeof reason === "string" && reason.trim() ? { action, reason: reason.trim() } : { action };
  return undefined;
}

/**
 * Escalates a persisting loop: with policy `stop` it returns `stop` at once; with `ask` it
 * pauses the run until a human answers, asking again (with the error) if the answer is not
 * understood.
 */
export function escalateLoop(agent: string, detail: string, onLoop: LoopAction): LoopDecision {
  if (onLoop === "stop") return { action: "stop", reason: "loop policy is 'stop'" };
  let error: string | undefined;
  for (;;) {
    const payload: LoopEscalation = {
      type: "loop_detected",
      agent,
      detail,
      options: [
        { action: "continue", description: "let the agent go on (optionally with a note it will see)" },
        { action: "stop", description: "end the run in the loop_detected state" },
      ],
      ...(error ? { error } : {}),
    };
    const decision = parseLoopDecision(interrupt(payload));
    if (decision) return decision;
    error = "Answer with { action: 'continue', note? } or { action: 'stop', reason? }.";
  }
}
