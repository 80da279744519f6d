/**
 * The live view of a thread's runs, folded from its stream events (the thread-wide stream with
 * the `custom`, `updates` and `values` modes, subgraphs included): which agent works, each model
 * and tool call as it happens, rail trips, tokens and cost climbing, the final answer.
 * Pure: the page calls `applyStreamEvent` for each event and renders the result.
 */
import { applyProgress } from "./run-progress.js";
import { addUsage, asArray, clip, NO_USAGE, push, str, type RunView, type UsageView } from "./run-types.js";

export type { AgentView, FeedItem, RunView, UsageView } from "./run-types.js";

const SEEN_LIMIT = 200;

/** The view before any event. */
export function emptyRunView(): RunView {
  return { runId: null, status: "idle", agents: [], feed: [], activeNode: null, usage: NO_USAGE, pendingUsage: NO_USAGE, answer: null, seenMessages: [], terminalState: null, statusReason: null };
}

/** The view after one stream event (`event` is the SSE event name, e.g. `updates|researcher:…`). */
export function applyStreamEvent(view: RunView, event: string, data: unknown): RunView {
  const [mode = "", ...path] = event.split("|");
  const namespace = path.length > 0 ? path.join("|") : undefined;
  const next: RunView = { ...view };
  switch (mode) {
    case "metadata": {
      const runId = str((data as { run_id?: unknown })?.run_id);
      if (runId && runId !== view.runId) {
        next.runId = runId;
        next.status = "running";
        next.answer = null;
        next.terminalState = null;
        next.statusReason = null;
        push(next, { kind: "run", agent: "", text: `run ${runId} started` });
      }
      return next;
    }
    case "custom":
      return applyProgress(next, data);
    case "updates":
      return applyUpdates(next, data, namespace);
    case "values":
      return namespace === undefined ? applyRootValues(next, data) : next;
    case "run_done": {
      const status = str((data as { status?: unknown })?.status) ?? "done";
      const paused = status === "success" && view.status === "interrupted";
      next.status = paused ? "interrupted" : status;
      // A paused run stays highlighted where it waits.
      next.activeNode = paused ? view.activeNode : null;
      push(next, { kind: "run", agent: "", text: paused ? "run paused: it waits for a human" : `run ${status}` });
      return next;
    }
    case "error": {
      const message = str((data as { message?: unknown })?.message) ?? JSON.stringify(data);
      next.status = "error";
      push(next, { kind: "error", agent: "", text: message });
      return next;
    }
    default:
      return next;
  }
}

/** Usage as displayed: the root's total plus what subgraphs reported since. */
export function displayedUsage(view: RunView): UsageView {
  return addUsage(view.usage, view.pendingUsage);
}

/** The agent a subgraph namespace belongs to: its innermost named segment (`researcher:<task id>` → researcher). */
export function agentOfNamespace(namespace: string | undefined): string | null {
  const segments = (namespace ?? "").split("|").filter(Boolean);
  const last = segments.at(-1);
  return last ? last.split(":")[0]! : null;
}

function applyUpdates(view: RunView, data: unknown, namespace: string | undefined): RunView {
  const inSubgraph = namespace !== undefined;
  const subgraphAgent = agentOfNamespace(namespace);
  for (const [node, update] of Object.entries((data ?? {}) as Record<string, unknown>)) {
    if (node === "__interrupt__") {
      view.status = "interrupted";
      for (const item of (update ?? []) as { id?: unknown; value?: { summary?: unknown; type?: unknown; detail?: unknown } }[]) {
        // The subgraph that paused and every graph above it report the same interrupt: shown once.
        const key = `interrupt:${str(item.id) ?? JSON.stringify(item.value ?? null)}`;
        if (view.seenMessages.includes(key)) continue;
        view.seenMessages = [...view.seenMessages, key].slice(-SEEN_LIMIT);
        const text = str(item.value?.summary) ?? str(item.value?.detail) ?? JSON.stringify(item.value ?? null);
        push(view, { kind: "pause", agent: "", text: `waiting for a human: ${clip(text, 300)}` });
      }
      continue;
    }
    if (!update || typeof update !== "object") continue;
    const fields = update as Record<string, unknown>;
    for (const message of asArray(fields.messages)) {
      const calls = aiToolCalls(message);
      if (calls === undefined) continue;
      const id = str((message as { id?: unknown }).id);
      if (id && view.seenMessages.includes(id)) continue;
      if (id) view.seenMessages = [...view.seenMessages, id].slice(-SEEN_LIMIT);
      const named = str((message as { name?: unknown }).name);
      // At the root, a message named after its node is a sub-agent's result handed back, not a model call.
      if (!inSubgraph && named === node) {
        push(view, { kind: "result", agent: node, text: `reports: ${clip(contentText(message), 200)}` });
        continue;
      }
      // A namespace names a node (the planner's `run_task`), not always an agent: then the agent that started last.
      const known = subgraphAgent !== null && view.agents.some((agent) => agent.name === subgraphAgent);
      const agent = known ? subgraphAgent : (named ?? (inSubgraph ? view.activeNode : null) ?? subgraphAgent ?? node);
      push(view, { kind: "model", agent, text: calls.length > 0 ? `model asks for ${calls.join(", ")}` : `model answers: ${clip(contentText(message), 200)}` });
    }
    if (inSubgraph && fields.usage && typeof fields.usage === "object") view.pendingUsage = addUsage(view.pendingUsage, fields.usage as Partial<UsageView>);
    if (!inSubgraph) {
      const chosen = str(fields.next);
      view.activeNode = chosen && chosen !== "finish" && chosen !== "__end__" ? chosen : node;
    }
  }
  return view;
}

function applyRootValues(view: RunView, data: unknown): RunView {
  const values = (data ?? {}) as Record<string, unknown>;
  if (values.usage && typeof values.usage === "object") {
    view.usage = addUsage(NO_USAGE, values.usage as Partial<UsageView>);
    view.pendingUsage = NO_USAGE;
  }
  const terminal = str(values.status);
  if (terminal) {
    view.terminalState = terminal;
    view.statusReason = str(values.statusReason);
    view.answer = str(values.result) ?? lastAiText(values.messages);
  }
  return view;
}

/** Tool names an AI message asks for ([] when it answers), or undefined when not an AI message. */
function aiToolCalls(message: unknown): string[] | undefined {
  const m = message as { type?: unknown; tool_calls?: { name?: unknown }[] };
  if (m?.type !== "ai" && m?.type !== "AIMessageChunk") return undefined;
  return (m.tool_calls ?? []).map((call) => str(call.name) ?? "?");
}

function lastAiText(messages: unknown): string | null {
  const ai = asArray(messages).filter((message) => aiToolCalls(message)?.length === 0);
  return ai.length > 0 ? contentText(ai.at(-1)) : null;
}

/** The text of a message whose content is a string or a list of parts. */
export function contentText(message: unknown): string {
  const content = (message as { content?: unknown })?.content;
  if (typeof content === "string") return content;
  return asArray(content)
    .map((part) => (typeof part === "string" ? part : str((part as { text?: unknown })?.text) ?? ""))
    .join("");
}

