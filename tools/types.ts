/**
 * What a tool is: a snake_case name, a description a model can act on, a zod schema for its
 * arguments, a time limit, a declared side-effect class (which drives the guardrail's default),
 * the fields to hide in traces, and the function that does the work.
 */
import type { LangGraphRunnableConfig } from "@langchain/langgraph";
import { z } from "zod";
import { ConfigError } from "../lib/errors.js";

/** What running a tool can do to the world; the guardrail's default policy follows from it. */
export type SideEffectClass = "read_only" | "idempotent_write" | "external_side_effect";

/** Everything a tool may know about the call it serves. */
export interface ToolRunContext {
  threadId: string;
  runId: string;
  graphId: string;
  /** The agent whose model made the call. */
  agent: string;
  /** Whose long-term knowledge and memory the run may use (user or tenant id). */
  owner: string;
  toolCallId: string;
  /** Stable across re-runs of the same step (thread + checkpoint + tool call); send it to external systems. */
  idempotencyKey: string;
  /** Aborted when the tool's time limit passes or the run is cancelled. */
  signal: AbortSignal;
}

/** A tool's answer: text, or a JSON-serializable value the executor stringifies for the model. */
export type ToolOutput = string | number | boolean | null | Record<string, unknown> | unknown[];

/** A tool definition. */
export interface ToolSpec<Schema extends z.ZodObject = z.ZodObject> {
  /** snake_case, unique in a tool set; the model calls the tool by it. */
  name: string;
  /** When and how to use the tool, written for the model. */
  description: string;
  /** Arguments; field descriptions reach the model as the JSON schema. */
  schema: Schema;
  /** Hard limit per call; the call becomes an error tool message after it. */
  timeoutMs: number;
  sideEffect: SideEffectClass;
  /** Argument or result fields (top-level names) to redact in traces and logs. */
  secretFields?: readonly string[];
  /** The JSON Schema the model is shown instead of the zod schema's (external tools: the source's own schema). */
  modelSchema?: Record<string, unknown>;
  /** Where an external tool comes from (`mcp:<server>`, `openapi:<service>`); traces show it. Unset for built-ins. */
  source?: string;
  /** Does the work; throw for failures the model should hear about (the executor turns them into tool errors). */
  run(args: z.infer<Schema>, ctx: ToolRunContext): Promise<ToolOutput>;
}

/** Any tool spec, whatever its schema. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyToolSpec = ToolSpec<any>;

export type { RailEvent } from "../lib/contracts/run.js";

/** What the executor needs to know about the run it serves. */
export interface ToolExecutionContext {
  threadId: string;
  runId: string;
  graphId: string;
  agent: string;
  /** Whose long-term knowledge the run may use; default `configurable.user_id`, else `"default"`. */
  owner?: string;
  /** Tool calls this run made before this message (kept in graph state). */
  toolCallsUsed: number;
  /** Tool calls this run may make in total. */
  toolCallBudget: number;
  /** The node's LangGraph config: per-run policies come from `configurable.toolPolicies`; also gives the cancel signal. */
  config?: LangGraphRunnableConfig;
  /** The checkpoint the step started from, when the graph knows it (else the task's checkpoint namespace is used). */
  checkpointId?: string;
}

const SNAKE_CASE = /^[a-z][a-z0-9_]{0,63}$/;

/** Checks a spec's shape at definition time and returns it typed; fails with a ConfigError saying what to fix. */
export function defineTool<Schema extends z.ZodObject>(spec: ToolSpec<Schema>): ToolSpec<Schema> {
  if (!SNAKE_CASE.test(spec.name)) throw new ConfigError(`Tool name '${spec.name}' must be snake_case (a-z, 0-9, _), at most 64 characters.`);
  if (spec.description.trim().length < 20) throw new ConfigError(`Tool '${spec.name}' needs a description a model can act on (20+ characters).`);
  if (!Number.isFinite(spec.timeoutMs) || spec.timeoutMs <= 0) throw new ConfigError(`Tool '${spec.name}' needs a positive timeoutMs.`);
  return spec;
}

/** Checks that a tool set has unique names; returns it as a name → spec map. */
export function indexTools(tools: readonly AnyToolSpec[]): Map<string, AnyToolSpec> {
  const byName = new Map<string, AnyToolSpec>();
  for (const tool of tools) {
    if (byName.has(tool.name)) throw new ConfigError(`Tool name '${tool.name}' is used twice in one tool set; rename one.`);
    byName.set(tool.name, tool);
  }
  return byName;
}

/** A copy of `value` with the spec's secret fields replaced, for traces and logs. */
export function redactSecrets(value: unknown, secretFields: readonly string[] | undefined): unknown {
  if (!secretFields?.length || value === null || typeof value !== "object" || Array.isArray(value)) return value;
  return Object.fromEntries(Object.entries(value).map(([key, field]) => [key, secretFields.includes(key) ? "[redacted]" : field]));
}
