/** The Threads page: list and search threads; a thread's runs and checkpoints on a timeline; open a checkpoint's state; fork from it. */
import { html } from "htm/preact";
import { useEffect, useState } from "preact/hooks";
import type { Thread } from "@langchain/langgraph-sdk";
import { threadGoal, threadTimeline, type TimelineEntry } from "../logic/navigation.js";
import { changedChannels, parseEditedState } from "../logic/state-edit.js";
import { problemText, RUN_STREAM } from "./api.js";
import type { ConsoleContext } from "./context.js";

/** The Threads page. */
export function ThreadsPage({ context, threadId }: { context: ConsoleContext; threadId: string | null }) {
  return threadId ? html`<${ThreadDetail} context=${context} threadId=${threadId} />` : html`<${ThreadList} context=${context} />`;
}

function ThreadList({ context }: { context: ConsoleContext }) {
  const [threads, setThreads] = useState<Thread[] | null>(null);
  const [query, setQuery] = useState("");
  const [status, setStatus] = useState("");
  const [problem, setProblem] = useState("");
  useEffect(() => {
    context.client.threads
      .search({ limit: 100, sortBy: "updated_at", sortOrder: "desc", ...(status ? { status: status as Thread["status"] } : {}) })
      .then(setThreads)
      .catch((error: unknown) => setProblem(problemText(error)));
  }, [status]);
  const needle = query.trim().toLowerCase();
  const shown = (threads ?? []).filter((thread) => !needle || `${thread.thread_id} ${threadGoal(thread)} ${JSON.stringify(thread.metadata ?? {})}`.toLowerCase().includes(needle));
  return html`
    <h1>Threads</h1>
    <form class="card row" role="search" onSubmit=${(e: Event) => e.preventDefault()}>
      <label>Search <input type="search" value=${query} placeholder="id, goal, metadata" onInput=${(e: Event) => setQuery((e.target as HTMLInputElement).value)} /></label>
      <label>Status <select value=${status} onChange=${(e: Event) => setStatus((e.target as HTMLSelectElement).value)}>
        ${["", "idle", "busy", "interrupted", "error"].map((s) => html`<option value=${s}>${s || "any"}</option>`)}
      </select></label>
    </form>
    ${problem ? html`<p class="problem" role="alert">${problem}</p>` : null}
    ${threads === null ? html`<p role="status">Loading…</p>` : html`<table class="list"><thead><tr><th>Thread</th><th>Status</th><th>Goal</th><th>Updated</th></tr></thead><tbody>
      ${shown.map((thread) => html`<tr><td><a href=${`#/threads/${encodeURIComponent(thread.thread_id)}`}><code>${thread.thread_id.slice(0, 8)}</code></a></td><td>${thread.status}</td><td>${threadGoal(thread)}</td><td>${new Date(thread.updated_at).toLocaleString()}</td></tr>`)}
    </tbody></table>`}
  `;
}

interface Checkpoint {
  checkpointId: string;
  values: Record<string, unknown>;
  next: string[];
}

function ThreadDetail({ context, threadId }: { context: ConsoleContext; threadId: string }) {
  const [timeline, setTimeline] = useState<TimelineEntry[] | null>(null);
  const [assistantId, setAssistantId] = useState("");
  const [opened, setOpened] = useState<Checkpoint | null>(null);
  const [edited, setEdited] = useState("");
  const [problem, setProblem] = useState("");
  useEffect(() => {
    void (async () => {
      try {
        const [thread, runs, history] = await Promise.all([context.client.threads.get(threadId), context.client.runs.list(threadId, { limit: 100 }), context.client.threads.getHistory(threadId, { limit: 100 })]);
        const meta = (thread.metadata ?? {}) as Record<string, unknown>;
        setAssistantId(String(meta.assistant_id ?? runs[0]?.assistant_id ?? meta.graph_id ?? ""));
        setTimeline(threadTimeline(runs, history as never));
      } catch (error) {
        setProblem(problemText(error));
      }
    })();
  }, [threadId]);
  const open = async (checkpointId: string) => {
    try {
      const state = await context.client.threads.getState(threadId, checkpointId);
      const values = (state.values ?? {}) as Record<string, unknown>;
      setOpened({ checkpointId, values, next: state.next });
      setEdited(JSON.stringify(values, null, 2));
    } catch (error) {
      setProblem(problemText(error));
    }
  };
  const fork = async () => {
    if (!opened) return;
    const parsed = parseEditedState(edited);
    if ("problem" in parsed) return setProblem(parsed.problem);
    try {
      const changes = changedChannels(opened.values, parsed.values);
      let checkpointId = opened.checkpointId;
      if (Object.keys(changes).length > 0) {
        const written = await context.client.threads.updateState(threadId, { values: changes, checkpointId });
        // The API answers { checkpoint: {...} }; the SDK types it as a config.
        const answer = written as { checkpoint?: { checkpoint_id?: string }; configurable?: { checkpoint_id?: string } };
        checkpointId = answer.checkpoint?.checkpoint_id ?? answer.configurable?.checkpoint_id ?? checkpointId;
      }
      context.follow(threadId, assistantId);
      await context.client.runs.create(threadId, assistantId, { input: null, checkpointId, ...RUN_STREAM });
    } catch (error) {
      setProblem(problemText(error));
    }
  };
  return html`
    <h1>Thread <code>${threadId.slice(0, 8)}</code></h1>
    <p class="links"><a href="#/threads">All threads</a> <button class="quiet" onClick=${() => context.follow(threadId, assistantId)}>Follow on the Run page</button></p>
    ${problem ? html`<p class="problem" role="alert">${problem}</p>` : null}
    <div class="split">
      <section class="card" aria-labelledby="timeline-title">
        <h2 id="timeline-title">Timeline</h2>
        ${timeline === null ? html`<p role="status">Loading…</p>` : html`<ol class="timeline" data-testid="timeline">
          ${timeline.map((entry) => entry.kind === "run"
            ? html`<li class="tl-run"><strong>${entry.label}</strong> <a href=${`#/trace/${encodeURIComponent(threadId)}/${encodeURIComponent(entry.id)}`}>trace</a> <time>${entry.at}</time></li>`
            : html`<li class="tl-checkpoint"><button class=${`link${opened?.checkpointId === entry.id ? " current" : ""}`} data-checkpoint=${entry.id} onClick=${() => open(entry.id)}>${entry.label}</button> <time>${entry.at}</time></li>`)}
        </ol>`}
      </section>
      ${opened ? html`<section class="card" aria-labelledby="checkpoint-title">
        <h2 id="checkpoint-title">Checkpoint <code>${opened.checkpointId.slice(0, 13)}</code></h2>
        <p>Next: ${opened.next.length ? opened.next.join(", ") : "(nothing: the run had ended here)"}</p>
        <label for="state-editor">State (edit channels, then fork: only the channels you change are written)</label>
        <p class="hint">The edit is applied as LangGraph's update_state does: as if the node that wrote this checkpoint had written it, so a channel that node cannot write (e.g. one outside the graph's input, at the first step) is not changed.</p>
        <textarea id="state-editor" class="mono" rows="16" value=${edited} onInput=${(e: Event) => setEdited((e.target as HTMLTextAreaElement).value)}></textarea>
        <div class="buttons"><button onClick=${fork}>Fork from here and run</button></div>
      </section>` : html`<section class="card"><p>Open a checkpoint on the timeline to read its state and fork from it.</p></section>`}
    </div>
  `;
}
