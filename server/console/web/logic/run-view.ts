/**
 * The live view of a thread's runs, folded from its stream events (the thread-wide stream with
 * the `custom`, `updates` and `values` modes, subgraphs included): which agent works, each model
 * and tool call as it happens, rail trips, tokens and cost climbing, the final answer.
 * Pure: the page calls `applyStreamEvent` for each event and renders the result.
 */

/** Tokens, money and counts, as the rails count them. */
export interface UsageView {
  inputTokens: number;
  outputTokens: number;
  totalTokens: number;
  costUsd: number;
  modelCalls: number;
  toolCalls: number;
}

/** One agent seen in the run. */
export interface AgentView {
  name: string;
  status: "working" | "done" | "failed";
  task: string;
  toolCalls: number;
}

/** One line of the live feed. */
export interface FeedItem {
  kind: "run" | "handoff" | "agent" | "model" | "tool" | "result" | "rail" | "wait" | "pause" | "error";
  agent: string;
  text: string;
}

/** What the Run page shows. */
export interface RunView {
  runId: string | null;
  /** `running`, `interrupted` (waiting for a human), or the run's final status. */
  status: string;
  agents: AgentView[];
  feed: FeedItem[];
  /** The graph node working now (highlighted on the Graph page). */
  activeNode: string | null;
  /** What the root state last counted. */
  usage: UsageView;
  /** Spending reported by subgraph nodes since: shown on top, so the numbers climb while a specialist works, never counted twice. */
  pendingUsage: UsageView;
  answer: string | null;
  /** Ids of the messages already shown (the same message reaches several updates: the sub-agent's node, then its parent's). */
  seenMessages: string[];
  terminalState: string | null;
  statusReason: string | null;
}

const NO_USAGE: UsageView = { inputTokens: 0, outputTokens: 0, totalTokens: 0, costUsd: 0, modelCalls: 0, toolCalls: 0 };
const FEED_LIMIT = 400;
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

function applyProgress(view: RunView, data: unknown): RunView {
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
      for (const item of (update ?? []) as { value?: { summary?: unknown; type?: unknown; detail?: unknown } }[]) {
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

function upsertAgent(agents: AgentView[], name: string, change: (agent: AgentView) => AgentView): AgentView[] {
  const at = agents.findIndex((agent) => agent.name === name);
  const current = at >= 0 ? agents[at]! : { name, status: "working" as const, task: "", toolCalls: 0 };
  const updated = change(current);
  return at >= 0 ? agents.map((agent, index) => (index === at ? updated : agent)) : [...agents, updated];
}

function push(view: RunView, item: FeedItem): void {
  view.feed = [...view.feed, item].slice(-FEED_LIMIT);
}

function addUsage(a: UsageView, b: Partial<UsageView>): UsageView {
  return {
    inputTokens: a.inputTokens + num(b.inputTokens),
    outputTokens: a.outputTokens + num(b.outputTokens),
    totalTokens: a.totalTokens + num(b.totalTokens),
    costUsd: a.costUsd + num(b.costUsd),
    modelCalls: a.modelCalls + num(b.modelCalls),
    toolCalls: a.toolCalls + num(b.toolCalls),
  };
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

function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}
function str(value: unknown): string | null {
  return typeof value === "string" ? value : null;
}
function num(value: unknown): number {
  return typeof value === "number" && Number.isFinite(value) ? value : 0;
}
function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
