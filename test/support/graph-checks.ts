/**
 * Checks shared by graph integration tests: that a thread's checkpoints form one consistent
 * chain ending in a terminal state, and a stub handler that answers by role (which tools a
 * request offers), so one OpenAI-compatible stub can play supervisor and specialists.
 */
import { expect } from "vitest";
import type { RecordedRequest, StubHandler, StubReply } from "./openai-stub.js";
import { TERMINAL_STATES } from "../../agents/index.js";

/** The part of a compiled graph these checks use. */
interface Inspectable {
  getState(config: object, options?: object): Promise<{ values: Record<string, unknown>; next: readonly string[]; tasks: readonly unknown[]; config: { configurable?: Record<string, unknown> }; parentConfig?: { configurable?: Record<string, unknown> } }>;
  getStateHistory(config: object): AsyncIterable<{ config: { configurable?: Record<string, unknown> }; parentConfig?: { configurable?: Record<string, unknown> }; values: Record<string, unknown>; metadata?: { step?: number } }>;
}

/**
 * The thread's history is one chain (each checkpoint's parent is the one before it, steps
 * increase), the latest checkpoint has nothing left to run and holds a named terminal state,
 * and the state read back equals what the run returned.
 */
export async function expectConsistentCheckpoints(graph: Inspectable, config: object, returned: Record<string, unknown>): Promise<void> {
  const history = [];
  for await (const snapshot of graph.getStateHistory(config)) history.push(snapshot);
  expect(history.length).toBeGreaterThan(1);
  for (let index = 0; index < history.length - 1; index++) {
    const child = history[index]!;
    const parent = history[index + 1]!;
    expect(child.parentConfig?.configurable?.checkpoint_id).toBe(parent.config.configurable?.checkpoint_id);
    expect(child.metadata?.step).toBeGreaterThan(parent.metadata?.step ?? -2);
  }
  const latest = await graph.getState(config);
  expect(latest.next).toEqual([]);
  expect(latest.tasks).toEqual([]);
  expect(TERMINAL_STATES).toContain(latest.values.status);
  expect(latest.values.status).toBe(returned.status);
  expect(latest.values.result).toBe(returned.result);
  expect(latest.values.usage).toEqual(returned.usage);
}

/** Which role a chat request is for, from the tools it offers (`route` → supervisor, else the first tool). */
export function roleOf(request: RecordedRequest, roles: Record<string, string>): string {
  const tools = ((request.body?.tools ?? []) as { function: { name: string } }[]).map((tool) => tool.function.name);
  for (const [tool, role] of Object.entries(roles)) if (tools.includes(tool)) return role;
  return "other";
}

/** A handler answering each role from its own queue; records which roles asked, in order. */
export function byRole(roles: Record<string, string>, scripts: Record<string, (StubReply | ((request: RecordedRequest) => StubReply))[]>): StubHandler & { order: string[] } {
  const order: string[] = [];
  const handler = ((request: RecordedRequest) => {
    const role = roleOf(request, roles);
    order.push(role);
    const queue = scripts[role];
    const next = queue && queue.length > 1 ? queue.shift() : queue?.[0];
    if (!next) throw new Error(`no scripted reply for role '${role}'`);
    return typeof next === "function" ? next(request) : next;
  }) as StubHandler & { order: string[] };
  handler.order = order;
  return handler;
}

/** The messages of a chat request, as the model saw them. */
export function sentMessages(request: RecordedRequest): { role: string; content: string | null; tool_calls?: { id: string; function: { name: string; arguments: string } }[]; tool_call_id?: string }[] {
  return request.body.messages;
}
