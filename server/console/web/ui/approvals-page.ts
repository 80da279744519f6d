/**
 * The Approvals page: every thread waiting for a human, with the exact tool call and approve /
 * edit the arguments / reject with a reason, or a loop escalation with continue (and a note) / stop.
 */
import { html } from "htm/preact";
import { useEffect, useRef, useState } from "preact/hooks";
import { argsFromForm, formFields, pendingQuestions, resumeCommand, type Answer, type PendingQuestion } from "../logic/approvals.js";
import { problemText, RUN_STREAM } from "./api.js";
import type { ConsoleContext } from "./context.js";

interface Waiting {
  threadId: string;
  assistantId: string;
  questions: PendingQuestion[];
}

const POLL_MS = 2000;

/** The Approvals page. */
export function ApprovalsPage({ context }: { context: ConsoleContext }) {
  const [waiting, setWaiting] = useState<Waiting[] | null>(null);
  const [problem, setProblem] = useState("");
  useEffect(() => {
    let stopped = false;
    const load = async () => {
      try {
        const threads = await context.client.threads.search({ status: "interrupted", limit: 50, sortBy: "updated_at", sortOrder: "desc" });
        const found = await Promise.all(
          threads.map(async (thread) => {
            const state = await context.client.threads.getState(thread.thread_id);
            const meta = (thread.metadata ?? {}) as Record<string, unknown>;
            const assistantId = String(meta.assistant_id ?? meta.graph_id ?? "");
            return { threadId: thread.thread_id, assistantId, questions: pendingQuestions(thread.thread_id, state as never) };
          }),
        );
        if (!stopped) setWaiting(found.filter((item) => item.questions.length > 0));
      } catch (error) {
        if (!stopped) setProblem(problemText(error));
      }
    };
    void load();
    const timer = setInterval(load, POLL_MS);
    return () => {
      stopped = true;
      clearInterval(timer);
    };
  }, []);

  const answer = async (item: Waiting, question: PendingQuestion, given: Answer) => {
    await context.client.runs.create(item.threadId, item.assistantId, { command: resumeCommand(question, given, item.questions.length), ...RUN_STREAM });
    context.follow(item.threadId, item.assistantId);
  };
  return html`
    <h1>Approvals</h1>
    ${problem ? html`<p class="problem" role="alert">${problem}</p>` : null}
    ${waiting === null ? html`<p role="status">Looking for runs that wait…</p>` : waiting.length === 0 ? html`<p role="status">No run waits for a human.</p>` : null}
    ${(waiting ?? []).flatMap((item) => item.questions.map((question) => html`<${QuestionCard} key=${`${item.threadId}:${question.interruptId}`} item=${item} question=${question} onAnswer=${(given: Answer) => answer(item, question, given)} />`))}
  `;
}

function QuestionCard(props: { item: Waiting; question: PendingQuestion; onAnswer: (answer: Answer) => Promise<void> }) {
  const { question, item } = props;
  const [note, setNote] = useState("");
  const [values, setValues] = useState<Record<string, string>>({});
  const [editing, setEditing] = useState(false);
  const [problem, setProblem] = useState("");
  const [busy, setBusy] = useState(false);
  const editForm = useRef<HTMLFormElement>(null);
  // Keyboard users land in the first field when the form opens.
  useEffect(() => {
    if (editing) editForm.current?.querySelector<HTMLElement>("input, textarea, select")?.focus();
  }, [editing]);
  const send = async (answer: Answer) => {
    setBusy(true);
    setProblem("");
    try {
      await props.onAnswer(answer);
    } catch (error) {
      setProblem(problemText(error));
      setBusy(false);
    }
  };
  const heading = html`<p class="hint">Thread <a href=${`#/threads/${encodeURIComponent(item.threadId)}`}><code>${item.threadId}</code></a></p>`;
  if (question.kind === "tool_approval") {
    const fields = formFields(question.args, question.schema);
    const submitEdit = (event: Event) => {
      event.preventDefault();
      const parsed = argsFromForm(fields, values);
      if ("problem" in parsed) return setProblem(parsed.problem);
      void send({ decision: "edit", args: parsed.args });
    };
    return html`<article class="card approval" aria-label=${`Approval: ${question.tool}`} data-testid="approval">
      <h2><strong>${question.agent}</strong> wants to call <code>${question.tool}</code> <span class="tag">${question.sideEffect}</span></h2>
      ${heading}
      <pre class="json" data-testid="approval-args">${JSON.stringify(question.args, null, 2)}</pre>
      ${question.problem ? html`<p class="problem">${question.problem}</p>` : null}
      ${editing
        ? html`<form ref=${editForm} onSubmit=${submitEdit} aria-label="Edit the arguments">
            ${fields.map((field) => html`<label for=${`arg-${field.name}`}>${field.name}${field.required ? " *" : ""} ${field.description ? html`<span class="hint">${field.description}</span>` : null}</label>
              ${field.input === "boolean"
                ? html`<select id=${`arg-${field.name}`} name=${field.name} value=${values[field.name] ?? field.value} onChange=${(e: Event) => setValues({ ...values, [field.name]: (e.target as HTMLSelectElement).value })}><option value="true">true</option><option value="false">false</option></select>`
                : field.input === "json" || field.input === "textarea"
                  ? html`<textarea id=${`arg-${field.name}`} name=${field.name} rows="4" class="mono" value=${values[field.name] ?? field.value} onInput=${(e: Event) => setValues({ ...values, [field.name]: (e.target as HTMLTextAreaElement).value })}></textarea>`
                  : html`<input id=${`arg-${field.name}`} name=${field.name} type=${field.input === "number" ? "number" : "text"} value=${values[field.name] ?? field.value} onInput=${(e: Event) => setValues({ ...values, [field.name]: (e.target as HTMLInputElement).value })} />`}`)}
            <div class="buttons"><button type="submit" disabled=${busy}>Approve with these arguments</button> <button type="button" class="quiet" onClick=${() => setEditing(false)}>Cancel</button></div>
          </form>`
        : html`<div class="buttons">
            <button onClick=${() => send({ decision: "approve" })} disabled=${busy}>Approve</button>
            <button class="secondary" onClick=${() => setEditing(true)} disabled=${busy}>Edit the arguments</button>
          </div>
          <form class="inline" onSubmit=${(e: Event) => { e.preventDefault(); void send({ decision: "reject", reason: note }); }}>
            <label for=${`reason-${question.interruptId}`}>Reason (the agent sees it)</label>
            <input id=${`reason-${question.interruptId}`} value=${note} onInput=${(e: Event) => setNote((e.target as HTMLInputElement).value)} />
            <button type="submit" class="danger" disabled=${busy}>Reject</button>
          </form>`}
      ${problem ? html`<p class="problem" role="alert">${problem}</p>` : null}
    </article>`;
  }
  if (question.kind === "loop") {
    return html`<article class="card approval" aria-label=${`Loop: ${question.agent}`}>
      <h2>${question.agent} is in a loop</h2>
      ${heading}
      <p>${question.detail}</p>
      ${question.problem ? html`<p class="problem">${question.problem}</p>` : null}
      <label for=${`note-${question.interruptId}`}>Note for the agent (continue) or reason (stop)</label>
      <input id=${`note-${question.interruptId}`} value=${note} onInput=${(e: Event) => setNote((e.target as HTMLInputElement).value)} />
      <div class="buttons">
        <button onClick=${() => send({ action: "continue", note })} disabled=${busy}>Continue</button>
        <button class="danger" onClick=${() => send({ action: "stop", reason: note })} disabled=${busy}>Stop the run</button>
      </div>
      ${problem ? html`<p class="problem" role="alert">${problem}</p>` : null}
    </article>`;
  }
  return html`<article class="card approval"><h2>The run asks</h2>${heading}<pre class="json">${JSON.stringify(question.value, null, 2)}</pre>
    <form onSubmit=${(e: Event) => { e.preventDefault(); void send({ decision: "approve" }); }}><button type="submit" disabled=${busy}>Resume</button></form></article>`;
}
