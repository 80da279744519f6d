/** The Trace page: a run's step tree from the local trace route, cost per agent, tool and model, and its LangSmith link. */
import { html } from "htm/preact";
import { useEffect, useState } from "preact/hooks";
import type { RunTrace } from "../../../../tracing/index.js";
import { costTables, formatUsd, traceRows, type CostRow } from "../logic/trace-view.js";
import { getJson, problemText } from "./api.js";
import type { ConsoleContext } from "./context.js";

/** The Trace page. */
export function TracePage({ context, threadId, runId }: { context: ConsoleContext; threadId: string | null; runId: string | null }) {
  const thread = threadId ?? context.live?.threadId ?? null;
  const [runs, setRuns] = useState<{ run_id: string; status: string; created_at: string }[]>([]);
  const [trace, setTrace] = useState<RunTrace | null>(null);
  const [link, setLink] = useState<string | null>(null);
  const [problem, setProblem] = useState("");
  useEffect(() => {
    if (!thread) return;
    context.client.runs.list(thread, { limit: 50 }).then(setRuns).catch(() => undefined);
  }, [thread]);
  const run = runId ?? runs[0]?.run_id ?? null;
  useEffect(() => {
    setTrace(null);
    setLink(null);
    setProblem("");
    if (!thread || !run) return;
    const path = `/threads/${encodeURIComponent(thread)}/runs/${encodeURIComponent(run)}`;
    getJson<RunTrace>(context.apiKey, `${path}/trace`).then(setTrace, (error: unknown) => setProblem(problemText(error)));
    getJson<{ url: string | null }>(context.apiKey, `/console/langsmith/${encodeURIComponent(thread)}/${encodeURIComponent(run)}`).then((answer) => setLink(answer.url), () => undefined);
  }, [thread, run]);
  if (!thread) return html`<h1>Trace</h1><p>Start a run, or open a thread, to see a trace.</p>`;
  return html`
    <h1>Trace</h1>
    <div class="card row">
      <label>Run <select value=${run ?? ""} onChange=${(e: Event) => context.navigate({ page: "trace", threadId: thread, runId: (e.target as HTMLSelectElement).value })}>
        ${runs.map((r) => html`<option value=${r.run_id}>${r.run_id.slice(0, 8)} · ${r.status} · ${r.created_at}</option>`)}
      </select></label>
      ${link ? html`<a href=${link} target="_blank" rel="noopener noreferrer">Open in LangSmith</a>` : null}
    </div>
    ${problem ? html`<p class="problem" role="alert">${problem}</p>` : null}
    ${trace ? html`<${TraceBody} trace=${trace} />` : problem ? null : html`<p role="status">Loading the trace…</p>`}
  `;
}

function TraceBody({ trace }: { trace: RunTrace }) {
  const tables = costTables(trace);
  const total = trace.cost.total;
  return html`
    <section class="card" data-testid="trace">
      <p><strong>${trace.graphId}</strong> · ${trace.terminalState ?? "running"} · ${total.totalTokens} tokens · ${formatUsd(total.costUsd)} · ${total.modelCalls} model call(s) · ${total.toolCalls} tool call(s)${trace.truncated ? " · truncated" : ""}</p>
      <div class="tables">
        <${CostTable} title="Cost per agent" rows=${tables.byAgent} />
        <${CostTable} title="Cost per tool" rows=${tables.byTool} />
        <${CostTable} title="Cost per model" rows=${tables.byModel} />
      </div>
      <h2>Steps</h2>
      <ul class="steps" data-testid="trace-steps">
        ${traceRows(trace).map((row) => html`<li style=${`--depth:${row.depth}`} class=${`step step-${row.kind} step-${row.status}`}>
          <details><summary><span class="tag">${row.kind}</span> ${row.label} <span class="hint">${row.agent} · ${row.status}${row.durationMs !== null ? ` · ${row.durationMs} ms` : ""}${row.tokens ? ` · ${row.tokens} tok · ${formatUsd(row.costUsd)}` : ""}</span></summary>
          ${row.detail ? html`<pre class="json">${row.detail}</pre>` : null}</details></li>`)}
      </ul>
    </section>
  `;
}

function CostTable({ title, rows }: { title: string; rows: CostRow[] }) {
  return html`<table class="list"><caption>${title}</caption><thead><tr><th>Name</th><th>Calls</th><th>Tokens</th><th>Cost</th></tr></thead>
    <tbody>${rows.map((row) => html`<tr><td>${row.name}</td><td>${row.calls}</td><td>${row.tokens}</td><td>${formatUsd(row.costUsd)}</td></tr>`)}</tbody></table>`;
}
