/**
 * The shape of a recorded run trace: the tree of reasoning steps of one graph run (graph,
 * nodes, agents, model calls, tool calls), with timings, tokens and cost, and the store that
 * keeps traces. Shared by the recorder, the stores (tracing/trace-store.ts), the
 * server route and the CLI's terminal view.
 */
import type { RailEvent } from "../lib/contracts/run.js";

/** What a step is. */
export type TraceStepKind = "graph" | "agent" | "node" | "model" | "tool" | "step";

/** How a step ended: `interrupted` when the run paused inside it (approval, loop question). */
export type TraceStepStatus = "ok" | "error" | "interrupted" | "running";

/** A message of a model prompt or response, as the trace keeps it. */
export interface TraceMessage {
  role: string;
  content: string;
  name?: string;
  toolCalls?: { id?: string; name: string; args: unknown }[];
  toolCallId?: string;
}

/** Tokens and money. */
export interface TraceUsage {
  inputTokens: number;
  outputTokens: number;
  totalTokens: number;
  costUsd: number;
}

/** A model call. */
export interface TraceModelCall {
  model: string;
  prompt: TraceMessage[];
  response: TraceMessage | null;
  usage: TraceUsage;
}

/** A tool call, with what the guardrail decided about it. */
export interface TraceToolCall {
  toolCallId: string | null;
  args: unknown;
  result: string | null;
  error: string | null;
  /** `allow`, `deny` or `require_approval`, when the guardrail decided. */
  policy: string | null;
  /** A human's answer to an approval: `approved`, `edited` or `rejected`. */
  approval: string | null;
  /** Why a call did not run (budget, policy, rejection, rate limit, invalid arguments). */
  refused: string | null;
}

/** One step of the tree. `id` is the LangChain run id, the same id LangSmith shows. */
export interface TraceStep {
  id: string;
  parentId: string | null;
  name: string;
  kind: TraceStepKind;
  /** LangSmith's run type (`chain`, `llm`, `tool`, …). */
  runType: string;
  /** The agent the step belongs to (the graph id for the supervisor's own steps). */
  agent: string;
  status: TraceStepStatus;
  startedAt: string;
  endedAt: string | null;
  durationMs: number | null;
  error?: string;
  model?: TraceModelCall;
  tool?: TraceToolCall;
  /** A node's state update in short (e.g. the supervisor's routing decision). */
  summary?: Record<string, unknown>;
  rails?: RailEvent[];
  children: TraceStep[];
}

/** Spending broken down. */
export interface TraceCost {
  total: TraceUsage & { modelCalls: number; toolCalls: number };
  byAgent: Record<string, TraceUsage & { modelCalls: number; toolCalls: number }>;
  /** A tool's share of the model calls that asked for it (split evenly between the calls of one reply), and its calls. */
  byTool: Record<string, TraceUsage & { calls: number; errors: number; durationMs: number }>;
  byModel: Record<string, TraceUsage & { calls: number }>;
}

/** The trace of one run (one run id: a first run or a resume). */
export interface RunTrace {
  runId: string;
  threadId: string | null;
  graphId: string;
  owner: string;
  /** The run's terminal state, `interrupted` when it paused, or null while unknown. */
  /** The run's terminal state (a graph of another project may name its own, or `paused`). */
  /** How the run ended: a terminal state of ours, or whatever another project's graph names (or `paused`). */
  terminalState: string | null;
  startedAt: string;
  endedAt: string | null;
  /** Set when the trace was cut to stay within its size bound. */
  truncated: boolean;
  cost: TraceCost;
  root: TraceStep | null;
}

/** Where traces are kept (Redis with retention, or memory in embedded mode). */
export interface TraceStore {
  /** Saves (or replaces) a run's trace. */
  save(trace: RunTrace): Promise<void>;
  /** The trace of a run, or null when unknown or expired. */
  get(runId: string): Promise<RunTrace | null>;
  /** Run ids with a trace on a thread, newest first. */
  listRuns(threadId: string, limit?: number): Promise<string[]>;
  /** Whether traces survive this process. */
  readonly durable: boolean;
  close(): Promise<void>;
}

/** Every step of a tree, depth first, parents before children. */
export function flattenSteps(root: TraceStep | null): TraceStep[] {
  const out: TraceStep[] = [];
  const visit = (step: TraceStep) => {
    out.push(step);
    for (const child of step.children) visit(child);
  };
  if (root) visit(root);
  return out;
}
