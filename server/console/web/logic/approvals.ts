/**
 * Questions a paused run asks a human (tool approvals, loop escalations), read from a thread's
 * state, and the resume values that answer them: the same vocabulary as the CLI and the API
 * (`{"decision":"approve"|"edit"|"reject"}`, `{"action":"continue"|"stop"}`).
 */

/** A question one thread waits on. */
export type PendingQuestion =
  | { kind: "tool_approval"; threadId: string; interruptId: string | null; tool: string; agent: string; args: Record<string, unknown>; summary: string; sideEffect: string; problem: string | null; schema: JsonSchemaLike | null }
  | { kind: "loop"; threadId: string; interruptId: string | null; agent: string; detail: string; problem: string | null }
  | { kind: "other"; threadId: string; interruptId: string | null; value: unknown };

/** The part of a JSON schema the edit form reads. */
export interface JsonSchemaLike {
  type?: string | string[];
  properties?: Record<string, JsonSchemaLike>;
  required?: string[];
  description?: string;
  enum?: unknown[];
}

/** A thread state as the API answers it (only what is read here). */
export interface ThreadStateLike {
  tasks?: { interrupts?: { id?: string; value?: unknown }[] }[];
  interrupts?: { id?: string; value?: unknown }[];
}

/** Every question a thread's state holds, in task order. */
export function pendingQuestions(threadId: string, state: ThreadStateLike): PendingQuestion[] {
  const interrupts = (state.tasks ?? []).flatMap((task) => task.interrupts ?? []);
  const seen = new Set<string>();
  const questions: PendingQuestion[] = [];
  for (const item of interrupts) {
    if (item.id && seen.has(item.id)) continue;
    if (item.id) seen.add(item.id);
    questions.push(toQuestion(threadId, item.id ?? null, item.value));
  }
  return questions;
}

function toQuestion(threadId: string, interruptId: string | null, value: unknown): PendingQuestion {
  const v = (value ?? {}) as Record<string, unknown>;
  if (v.type === "tool_approval" && typeof v.tool === "string") {
    return {
      kind: "tool_approval",
      threadId,
      interruptId,
      tool: v.tool,
      agent: typeof v.agent === "string" ? v.agent : "",
      args: v.args && typeof v.args === "object" ? (v.args as Record<string, unknown>) : {},
      summary: typeof v.summary === "string" ? v.summary : `${v.tool}(…)`,
      sideEffect: typeof v.sideEffect === "string" ? v.sideEffect : "",
      problem: typeof v.problem === "string" ? v.problem : null,
      schema: v.argsSchema && typeof v.argsSchema === "object" ? (v.argsSchema as JsonSchemaLike) : null,
    };
  }
  if (v.type === "loop_detected") {
    return { kind: "loop", threadId, interruptId, agent: typeof v.agent === "string" ? v.agent : "", detail: typeof v.detail === "string" ? v.detail : "", problem: typeof v.error === "string" ? v.error : null };
  }
  return { kind: "other", threadId, interruptId, value };
}

/** A human's answer, as the console's buttons produce it. */
export type Answer =
  | { decision: "approve" }
  | { decision: "edit"; args: Record<string, unknown> }
  | { decision: "reject"; reason: string }
  | { action: "continue"; note: string }
  | { action: "stop"; reason: string };

/** The resume value for an answer (empty notes and reasons left out). */
export function resumeValue(answer: Answer): Record<string, unknown> {
  if ("decision" in answer) {
    if (answer.decision === "reject") return answer.reason.trim() ? { decision: "reject", reason: answer.reason.trim() } : { decision: "reject" };
    return answer;
  }
  if (answer.action === "continue") return answer.note.trim() ? { action: "continue", note: answer.note.trim() } : { action: "continue" };
  return answer.reason.trim() ? { action: "stop", reason: answer.reason.trim() } : { action: "stop" };
}

/** The run command that answers one question (keyed by interrupt id when the thread waits on several). */
export function resumeCommand(question: PendingQuestion, answer: Answer, waiting: number): { resume: unknown } {
  const value = resumeValue(answer);
  return waiting > 1 && question.interruptId ? { resume: { [question.interruptId]: value } } : { resume: value };
}

/** One field of the edit form. */
export interface FormField {
  name: string;
  /** `text` (one line), `textarea` (multi-line text), `number`, `boolean`, or `json` (objects, arrays, anything else). */
  input: "text" | "textarea" | "number" | "boolean" | "json";
  value: string;
  required: boolean;
  description: string;
}

/** The edit form for a call: one field per schema property (else per argument), filled with the call's arguments. */
export function formFields(args: Record<string, unknown>, schema: JsonSchemaLike | null): FormField[] {
  const properties = schema?.properties ?? {};
  const names = [...new Set([...Object.keys(properties), ...Object.keys(args)])];
  return names.map((name) => {
    const property = properties[name] ?? {};
    const value = args[name];
    const type = Array.isArray(property.type) ? property.type.find((t) => t !== "null") : property.type;
    const kind = type ?? (value === undefined ? "string" : Array.isArray(value) ? "array" : typeof value);
    const input: FormField["input"] = kind === "string" ? (typeof value === "string" && value.includes("\n") ? "textarea" : "text") : kind === "number" || kind === "integer" ? "number" : kind === "boolean" ? "boolean" : "json";
    const shown = value === undefined ? "" : input === "json" ? JSON.stringify(value, null, 2) : String(value);
    return { name, input, value: shown, required: schema?.required?.includes(name) ?? value !== undefined, description: property.description ?? "" };
  });
}

/** The arguments a filled form stands for, or the first problem (which field, why). */
export function argsFromForm(fields: FormField[], values: Record<string, string>): { args: Record<string, unknown> } | { problem: string } {
  const args: Record<string, unknown> = {};
  for (const field of fields) {
    const raw = values[field.name] ?? field.value;
    if (raw.trim() === "" && field.input !== "text" && field.input !== "textarea") {
      if (field.required) return { problem: `${field.name} is required.` };
      continue;
    }
    if (field.input === "number") {
      const n = Number(raw);
      if (!Number.isFinite(n)) return { problem: `${field.name} must be a number, got '${raw}'.` };
      args[field.name] = n;
    } else if (field.input === "boolean") {
      args[field.name] = raw === "true";
    } else if (field.input === "json") {
      try {
        args[field.name] = JSON.parse(raw);
      } catch (error) {
        return { problem: `${field.name} is not valid JSON: ${(error as Error).message}` };
      }
    } else {
      if (raw === "" && !field.required) continue;
      args[field.name] = raw;
    }
  }
  return { args };
}
