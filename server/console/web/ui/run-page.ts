/** The Run page: pick an assistant, write a goal and limits, start; then the run live, and its answer. */
import { html } from "htm/preact";
import { useEffect, useRef, useState } from "preact/hooks";
import { displayedUsage } from "../logic/run-view.js";
import { limitsFromForm } from "../logic/navigation.js";
import { renderMarkdown } from "../logic/markdown.js";
import { formatUsd } from "../logic/trace-view.js";
import { problemText, RUN_STREAM } from "./api.js";
import type { ConsoleContext } from "./context.js";
import { AssistantPicker } from "./pickers.js";

/** The Run page. */
export function RunPage({ context }: { context: ConsoleContext }) {
  const [assistantId, setAssistantId] = useState(context.live?.assistantId ?? "");
  const [goal, setGoal] = useState("");
  const [limits, setLimits] = useState({ maxTokens: "", maxCostUsd: "", maxToolCalls: "" });
  const [problem, setProblem] = useState("");
  const [starting, setStarting] = useState(false);
  const chosen = assistantId || context.assistants.find((a) => a.graph_id === "supervisor")?.assistant_id || context.assistants[0]?.assistant_id || "";

  const start = async (event: Event) => {
    event.preventDefault();
    const parsed = limitsFromForm(limits);
    if ("problem" in parsed) return setProblem(parsed.problem);
    if (!goal.trim()) return setProblem("Write a goal first.");
    setProblem("");
    setStarting(true);
    try {
      const thread = await context.client.threads.create({ metadata: { source: "console", goal: goal.trim().slice(0, 200) } });
      context.follow(thread.thread_id, chosen, false);
      const configurable = Object.keys(parsed.limits).length > 0 ? { limits: parsed.limits } : {};
      await context.client.runs.create(thread.thread_id, chosen, { input: { messages: [{ role: "human", content: goal.trim() }] }, config: { configurable }, ...RUN_STREAM });
    } catch (error) {
      setProblem(problemText(error));
    } finally {
      setStarting(false);
    }
  };
  const field = (name: keyof typeof limits, label: string, step: string) => html`<label>${label}
    <input name=${name} type="number" min="0" step=${step} inputmode="decimal" value=${limits[name]} onInput=${(e: Event) => setLimits({ ...limits, [name]: (e.target as HTMLInputElement).value })} /></label>`;

  return html`
    <h1>Run</h1>
    <form class="card" onSubmit=${start} aria-label="Start a run">
      <${AssistantPicker} assistants=${context.assistants} value=${chosen} onChange=${setAssistantId} />
      <label for="goal">Goal</label>
      <textarea id="goal" rows="3" value=${goal} onInput=${(e: Event) => setGoal((e.target as HTMLTextAreaElement).value)} placeholder="e.g. Compare the populations of Paris and Berlin"></textarea>
      <fieldset class="limits"><legend>Limits for this run (optional)</legend>
        ${field("maxTokens", "Max tokens", "1")} ${field("maxCostUsd", "Max cost (USD)", "0.01")} ${field("maxToolCalls", "Max tool calls", "1")}
      </fieldset>
      ${problem ? html`<p class="problem" role="alert">${problem}</p>` : null}
      <button type="submit" disabled=${starting || !chosen}>Start run</button>
    </form>
    ${context.live ? html`<${LiveRun} context=${context} />` : null}
  `;
}

function LiveRun({ context }: { context: ConsoleContext }) {
  const live = context.live!;
  const { view } = live;
  const usage = displayedUsage(view);
  const feed = useRef<HTMLOListElement>(null);
  // Follow the newest line, unless the operator scrolled up to read.
  const stick = useRef(true);
  useEffect(() => {
    const list = feed.current;
    if (list && stick.current) list.scrollTop = list.scrollHeight;
  }, [view.feed.length]);
  const onScroll = () => {
    const list = feed.current;
    if (list) stick.current = list.scrollHeight - list.scrollTop - list.clientHeight < 40;
  };
  return html`
    <section class="card" aria-labelledby="live-title">
      <h2 id="live-title">Thread <code>${live.threadId}</code></h2>
      <p>Status: <strong class=${`status status-${view.status}`} data-testid="run-status">${view.status}</strong>
        ${view.terminalState ? html` · ended <strong data-testid="terminal-state">${view.terminalState}</strong>` : null}
        ${view.activeNode ? html` · working: <strong>${view.activeNode}</strong>` : null}</p>
      <dl class="usage" aria-label="Spending so far">
        <div><dt>Tokens</dt><dd data-testid="tokens">${usage.totalTokens}</dd></div>
        <div><dt>Cost</dt><dd>${formatUsd(usage.costUsd)}</dd></div>
        <div><dt>Model calls</dt><dd>${usage.modelCalls}</dd></div>
        <div><dt>Tool calls</dt><dd>${usage.toolCalls}</dd></div>
      </dl>
      ${view.status === "interrupted" ? html`<p class="notice" role="status">The run waits for a human. <a href="#/approvals">Answer it on the Approvals page</a>.</p>` : null}
      <h3>Agents</h3>
      <ul class="agents" data-testid="agents">
        ${view.agents.map((agent) => html`<li class=${`agent agent-${agent.status}`}><strong>${agent.name}</strong> <span>${agent.status}</span> <span>${agent.toolCalls} tool call(s)</span></li>`)}
      </ul>
      <h3>Activity</h3>
      <ol class="feed" aria-live="polite" data-testid="feed" ref=${feed} onScroll=${onScroll} tabindex="0" aria-label="Activity of the run">
        ${view.feed.map((item) => html`<li class=${`feed-${item.kind}`}><span class="who">${item.agent}</span> ${item.text}</li>`)}
      </ol>
      ${view.answer !== null ? html`<h3>Answer</h3><div class="answer" data-testid="answer" dangerouslySetInnerHTML=${{ __html: renderMarkdown(view.answer) }}></div>` : null}
      ${view.statusReason ? html`<p class="hint">${view.statusReason}</p>` : null}
      <p class="links">
        ${view.runId ? html`<a href=${`#/trace/${encodeURIComponent(live.threadId)}/${encodeURIComponent(view.runId)}`}>Open the trace of this run</a>` : null}
        <a href=${`#/threads/${encodeURIComponent(live.threadId)}`}>Open the thread (checkpoints, fork)</a>
        <a href=${`#/graph/${encodeURIComponent(live.assistantId)}`}>See it on the graph</a>
      </p>
    </section>
  `;
}
