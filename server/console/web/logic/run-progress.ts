/** Progress events (the `custom` stream: handoffs, agents starting and ending, tool calls, rails) folded into the live view. */
import { clip, push, str, upsertAgent, type RunView } from "./run-types.js";

/** The view after one progress event (mutates the copy `applyStreamEvent` made). */
export function applyProgress(view: RunView, data: unknown): RunView {
  const event = (data ?? {}) as Record<string, unknown>;
  const agent = str(event.agent) ?? "";
  switch (event.type) {
    case "handoff":
      push(view, { kind: "handoff", agent: str(event.from) ?? "", text: `→ ${str(event.to)}: ${clip(str(event.task) ?? "", 200)}` });
      return view;
    case "agent_start":
      view.activeNode = agent;
      view.agents = upsertAgent(view.agents, agent, (current) => ({ ...current, status: "working", task: str(event.task) ?? current.task }));
      push(view, { kind: "agent", agent, text: `starts: ${clip(str(event.task) ?? "", 200)}` });
      return view;
    case "agent_end":
      view.agents = upsertAgent(view.agents, agent, (current) => ({ ...current, status: event.status === "completed" ? "done" : "failed" }));
      push(view, { kind: "agent", agent, text: `ends ${str(event.status)}${event.reason ? `: ${clip(str(event.reason) ?? "", 200)}` : ""}` });
      return view;
    case "tool_call":
      view.agents = upsertAgent(view.agents, agent, (current) => ({ ...current, toolCalls: current.toolCalls + 1 }));
      push(view, { kind: "tool", agent, text: `${str(event.tool)}(${clip(JSON.stringify(event.args ?? {}), 300)})` });
      return view;
    case "tool_result":
      push(view, { kind: "result", agent, text: `${str(event.tool)} ${event.ok ? "ok" : "failed"}: ${clip(str(event.preview) ?? "", 300)}` });
      return view;
    case "rail": {
      const rail = (event.event ?? {}) as Record<string, unknown>;
      push(view, { kind: "rail", agent: str(rail.agent) ?? "", text: `${str(rail.kind)}: ${clip(str(rail.detail) ?? "", 300)}` });
      return view;
    }
    case "plan":
      push(view, { kind: "handoff", agent, text: `plan: ${((event.tasks ?? []) as { id: string; agent: string }[]).map((task) => `${task.id} → ${task.agent}`).join(", ")}` });
      return view;
    case "model_wait":
      push(view, { kind: "wait", agent, text: `waiting for the model${event.attempt ? ` (attempt ${String(event.attempt)})` : ""}` });
      return view;
    default:
      return view;
  }
}
