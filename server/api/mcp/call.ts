/**
 * One MCP tool call: a run of the assistant on a new thread, or on the caller's `thread_id`, made
 * through the app's own `POST /threads/:id/runs/wait` with the caller's headers, so the call meets
 * every middleware and check that route meets (API keys or the project's Auth and its filters, the
 * project's own middleware, owner isolation) and runs through the same queue, handler, rails,
 * guardrails and traces. It answers the run's final answer and the ids to continue.
 */
import { v7 as uuid7 } from "@langchain/core/utils/uuid";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { ErrorCode } from "@modelcontextprotocol/sdk/types.js";
import type { AssistantToolDefinition, AssistantToolEntry } from "./tools.js";

/** A request to this app's own routes, made as the MCP caller (its headers): a POST of `body`, or a GET without one. */
export type CallerApi = (path: string, body?: unknown) => Promise<Response>;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

type Values = Record<string, unknown> & { __error__?: unknown; __interrupt__?: { id?: string; value?: unknown }[] };

/**
 * A JSON-RPC error for the SDK to send: its code and our message. (An McpError would do, but its
 * message starts "MCP error -32602: ", and the client's McpError prefixes that again.)
 */
export function protocolError(code: ErrorCode, message: string): Error & { code: ErrorCode } {
  return Object.assign(new Error(message), { code });
}

/** The route's answer as JSON; its refusal as an MCP error (4xx: the caller's, in the route's words). */
export async function answerOf<T>(response: Response): Promise<T> {
  const body = (await response.json().catch(() => null)) as (T & { error?: unknown; message?: unknown }) | null;
  if (response.ok) return body as T;
  const message = typeof body?.message === "string" ? body.message : `HTTP ${response.status}`;
  if (response.status < 500) throw protocolError(ErrorCode.InvalidParams, message);
  throw protocolError(ErrorCode.InternalError, message);
}

function text(content: unknown): string {
  if (typeof content === "string") return content;
  if (Array.isArray(content)) return content.map((part) => (typeof part === "string" ? part : ((part as { text?: unknown })?.text ?? ""))).join("");
  return "";
}

/** The last message when it is the AI's (as the API serialises it: `type: "ai"`, or a plain `role`); else the output as JSON. */
function finalAnswer(values: Values): string {
  const last = Array.isArray(values.messages) ? (values.messages.at(-1) as Record<string, unknown> | undefined) : undefined;
  const speaker = last?.type ?? last?.role;
  if (last && (speaker === "ai" || speaker === "assistant")) {
    const answer = text(last.content);
    if (answer) return answer;
  }
  const { __interrupt__: _interrupts, ...output } = values;
  return JSON.stringify(output);
}

function pausedText(entry: AssistantToolEntry, threadId: string, interrupts: NonNullable<Values["__interrupt__"]>): string {
  const approval = interrupts.some((item) => (item.value as { type?: unknown } | undefined)?.type === "tool_approval");
  const example = approval ? '{"decision": "approve"} (or {"decision": "reject", "reason": "…"}, {"decision": "edit", "args": {…}})' : "the value the interrupt asks for";
  return [
    `The run is paused, waiting for a decision: ${JSON.stringify(interrupts.map((item) => item.value))}.`,
    `To resume it, call the ${entry.name} tool again with thread_id "${threadId}" and resume ${example};`,
    `or POST /threads/${threadId}/runs/wait with {"assistant_id": "${entry.assistant.assistant_id}", "command": {"resume": …}} (the SDK's client.runs.wait with command.resume).`,
  ].join(" ");
}

/** Runs the tool's assistant on the arguments and answers as MCP tool results do (bad arguments: an InvalidParams error). */
export async function callAssistantTool(api: CallerApi, entry: AssistantToolEntry, definition: AssistantToolDefinition, args: Record<string, unknown>): Promise<CallToolResult> {
  const { thread_id: given, resume, ...input } = args;
  const invalid = (why: string) => protocolError(ErrorCode.InvalidParams, `Invalid arguments for tool ${entry.name}: ${why}`);
  if (resume === undefined) {
    const checked = definition.validate(args);
    if (!checked.valid) throw invalid(checked.errorMessage);
  } else if (typeof given !== "string" || !UUID.test(given)) {
    // A resume sends no input, so the graph's required input fields do not apply.
    throw invalid("resume needs the thread_id (a UUID) of the paused run.");
  }
  const threadId = typeof given === "string" ? given.toLowerCase() : uuid7();
  const body = {
    assistant_id: entry.assistant.assistant_id,
    ...(resume !== undefined ? { command: { resume } } : { input }),
    // A new thread is created with the run, as the route creates it (the project's Auth sees threads:create_run).
    ...(given === undefined ? { if_not_exists: "create" } : {}),
    metadata: { client: "mcp" },
  };
  const response = await api(`/threads/${threadId}/runs/wait`, body);
  const values = await answerOf<Values | null>(response);
  const runId = response.headers.get("content-location")?.split("/").at(-1) ?? "";
  const ids = { thread_id: threadId, run_id: runId, assistant_id: entry.assistant.assistant_id };
  if (values && values.__error__ !== undefined) {
    const failure = values.__error__ as { message?: unknown; error?: unknown };
    const answer = `The run failed: ${String(failure?.message ?? failure?.error ?? JSON.stringify(failure))}`;
    return { isError: true, content: [{ type: "text", text: answer }], structuredContent: { ...ids, status: "error", answer } };
  }
  const interrupts = values?.__interrupt__;
  if (interrupts && interrupts.length > 0) {
    const answer = pausedText(entry, threadId, interrupts);
    return { content: [{ type: "text", text: answer }], structuredContent: { ...ids, status: "paused", answer, interrupts: interrupts.map((item) => item.value) } };
  }
  const run = runId ? await answerOf<{ status?: string }>(await api(`/threads/${threadId}/runs/${runId}`)).catch(() => undefined) : undefined;
  const status = run?.status && run.status !== "pending" && run.status !== "running" ? run.status : "success";
  const answer = finalAnswer(values ?? {});
  return { ...(status === "success" ? {} : { isError: true }), content: [{ type: "text", text: answer }], structuredContent: { ...ids, status, answer } };
}
