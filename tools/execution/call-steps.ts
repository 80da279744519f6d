/**
 * The single steps of executing one tool call: validating arguments into words a model can
 * act on, running a tool under its time limit, shaping its output, deriving idempotency keys.
 */
import { createHash } from "node:crypto";
import { z } from "zod";
import { redactSecrets, type AnyToolSpec, type ToolOutput, type ToolRunContext } from "../types.js";
import { linkedAbort } from "../../lib/linked-abort.js";

/** The longest tool output handed to the model; longer output is cut with a note (protects the context window). */
export const MAX_TOOL_OUTPUT_CHARS = 20_000;

/** The JSON schema of a tool's arguments (what a caller may send; an external tool's own schema when it has one). */
export function argumentsJsonSchema(spec: AnyToolSpec): Record<string, unknown> {
  const schema = { ...(spec.modelSchema ?? (z.toJSONSchema(spec.schema, { unrepresentable: "any", io: "input" }) as Record<string, unknown>)) };
  delete schema.$schema;
  return schema;
}

/** A compact JSON schema of a tool's arguments, for error messages. */
export function argumentsSchemaText(spec: AnyToolSpec): string {
  return JSON.stringify(argumentsJsonSchema(spec)).slice(0, 1_500);
}

/** Validates arguments; on failure, says which field is wrong and what is expected. */
export function validateArguments(spec: AnyToolSpec, args: unknown): { ok: true; args: Record<string, unknown> } | { ok: false; message: string } {
  const parsed = spec.schema.safeParse(args);
  if (parsed.success) return { ok: true, args: parsed.data as Record<string, unknown> };
  const problems = parsed.error.issues.map((issue: z.core.$ZodIssue) => `\`${issue.path.join(".") || "(arguments)"}\`: ${issue.message}`);
  return {
    ok: false,
    message: `Invalid arguments for ${spec.name}: ${problems.join("; ")}. Expected arguments (JSON schema): ${argumentsSchemaText(spec)}. Call the tool again with corrected arguments.`,
  };
}

/** Turns a tool's output into message text, cut to `MAX_TOOL_OUTPUT_CHARS`. */
export function outputText(output: ToolOutput): string {
  const text = typeof output === "string" ? output : JSON.stringify(output) ?? "null";
  if (text.length <= MAX_TOOL_OUTPUT_CHARS) return text;
  return `${text.slice(0, MAX_TOOL_OUTPUT_CHARS)}\n[output truncated: ${text.length - MAX_TOOL_OUTPUT_CHARS} more characters]`;
}

/** A key that stays the same when the same step re-runs (resume, crash recovery), and differs otherwise. */
export function idempotencyKey(threadId: string, checkpoint: string, toolCallId: string): string {
  return `sb-${createHash("sha256").update(`${threadId}\u0000${checkpoint}\u0000${toolCallId}`).digest("hex").slice(0, 40)}`;
}

/** Thrown when a tool passes its time limit. */
export class ToolTimeoutError extends Error {
  constructor(readonly tool: string, readonly timeoutMs: number) {
    super(`${tool} did not finish within ${timeoutMs} ms and was stopped.`);
    this.name = new.target.name;
  }
}

/**
 * Runs a tool under its time limit. Resolves to the output text or rejects with the tool's own
 * error / `ToolTimeoutError`; the caller decides what reaches the model.
 */
export async function runWithTimeout(
  spec: AnyToolSpec,
  args: Record<string, unknown>,
  ctx: Omit<ToolRunContext, "signal">,
  runSignal?: AbortSignal,
): Promise<string> {
  const controller = new AbortController();
  // Not AbortSignal.any: a listener a tool leaves on it would keep it alive with the run (lib/linked-abort.ts).
  const linked = runSignal ? linkedAbort([runSignal, controller.signal]) : undefined;
  const signal = linked?.signal ?? controller.signal;
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const error = new ToolTimeoutError(spec.name, spec.timeoutMs);
      // Settle first: aborting may make the tool reject synchronously with its own error.
      reject(error);
      controller.abort(error);
    }, spec.timeoutMs);
  });
  try {
    const output = await Promise.race([spec.run(args, { ...ctx, signal }), timedOut]);
    return outputText(redactSecrets(output, spec.secretFields) as ToolOutput);
  } finally {
    clearTimeout(timer);
    linked?.dispose();
  }
}

/** The text a model sees when a tool threw. */
export function toolFailureText(tool: string, error: unknown): string {
  if (error instanceof ToolTimeoutError) return `Error: ${error.message} Try a smaller request or a different approach.`;
  const message = error instanceof Error ? error.message : String(error);
  return `Error: ${tool} failed: ${message}`;
}
