/**
 * The console's shell: the key prompt, the menu, and the live thread the Run and Graph pages show
 * (followed here, so the stream keeps going while the operator looks at another page).
 */
import { html } from "htm/preact";
import { useEffect, useRef, useState } from "preact/hooks";
import { applyStreamEvent, emptyRunView } from "../logic/run-view.js";
import type { ConsoleContext, LiveThread } from "./context.js";
import { PAGES, parseRoute, routeHash, type Route } from "../logic/navigation.js";
import { apiClient, authRequired, problemText, storedKey, storeKey } from "./api.js";
import { RunPage } from "./run-page.js";
import { GraphPage } from "./graph-page.js";
import { ApprovalsPage } from "./approvals-page.js";
import { ThreadsPage } from "./threads-page.js";
import { TracePage } from "./trace-page.js";
import { MemoryPage } from "./memory-page.js";

const WAITING_POLL_MS = 5000;

const TITLES: Record<(typeof PAGES)[number], string> = { run: "Run", graph: "Graph", approvals: "Approvals", threads: "Threads", trace: "Trace", memory: "Memory" };

/** The console. */
export function App() {
  const [route, setRoute] = useState<Route>(parseRoute(location.hash));
  const [apiKey, setApiKey] = useState<string | null>(null);
  const [needsKey, setNeedsKey] = useState(false);
  const [problem, setProblem] = useState("");
  const [assistants, setAssistants] = useState<ConsoleContext["assistants"]>([]);
  const [live, setLive] = useState<LiveThread | null>(null);
  const following = useRef<AbortController | null>(null);
  const [waiting, setWaiting] = useState(0);

  useEffect(() => {
    const onHash = () => setRoute(parseRoute(location.hash));
    addEventListener("hashchange", onHash);
    authRequired()
      .then((required) => {
        setNeedsKey(required && !storedKey());
        setApiKey(storedKey());
      })
      .catch((error: unknown) => setProblem(`The server does not answer: ${problemText(error)}`));
    return () => removeEventListener("hashchange", onHash);
  }, []);

  const client = apiKey === null ? null : apiClient(apiKey);
  useEffect(() => {
    if (!client || needsKey) return;
    client.assistants
      .search({ limit: 100 })
      .then((found) => setAssistants(found.map((a) => ({ assistant_id: a.assistant_id, graph_id: a.graph_id, name: a.name }))))
      .catch((error: unknown) => {
        const text = problemText(error);
        if (/401|unauthorized|API key/i.test(text)) {
          storeKey("");
          setNeedsKey(true);
          setProblem("That key was refused; type a valid API key.");
        } else setProblem(text);
      });
  }, [apiKey, needsKey]);

  // How many threads wait for a human, for the menu; checked again when the followed run changes state.
  useEffect(() => {
    if (!client || needsKey) return;
    const check = () => client.threads.search({ status: "interrupted", limit: 100 }).then((found) => setWaiting(found.length), () => undefined);
    void check();
    const timer = setInterval(check, WAITING_POLL_MS);
    return () => clearInterval(timer);
  }, [apiKey, needsKey, live?.view.status]);

  const navigate = (next: Route) => {
    location.hash = routeHash(next);
  };

  const follow = (threadId: string, assistantId: string, show = true) => {
    if (!client) return;
    if (show) navigate({ page: "run" });
    if (live?.threadId === threadId && following.current && !following.current.signal.aborted) return;
    following.current?.abort();
    const controller = new AbortController();
    following.current = controller;
    setLive({ threadId, assistantId, view: emptyRunView() });
    void (async () => {
      try {
        for await (const part of client.threads.joinStream(threadId, { streamMode: "run_modes", signal: controller.signal })) {
          setLive((current) => (current?.threadId === threadId ? { ...current, view: applyStreamEvent(current.view, part.event, part.data) } : current));
        }
      } catch (error) {
        if (!controller.signal.aborted) setProblem(`Lost the thread's stream: ${problemText(error)}`);
      }
    })();
  };

  if (needsKey) return html`<${KeyPrompt} problem=${problem} onKey=${(key: string) => { storeKey(key); setProblem(""); setNeedsKey(false); setApiKey(key); }} />`;
  if (!client) return html`<main class="page"><p role="status">${problem || "Connecting…"}</p></main>`;
  const context: ConsoleContext = { client, apiKey: apiKey ?? "", assistants, live, follow, navigate };
  return html`
    <header class="top">
      <a class="brand" href="#/run">Switchboard</a>
      <nav aria-label="Pages">
        ${PAGES.map((page) => html`<a href=${routeHash(page === "graph" ? { page, assistantId: null } : page === "threads" ? { page, threadId: null } : page === "trace" ? { page, threadId: null, runId: null } : { page } as Route)} aria-current=${route.page === page ? "page" : undefined}>${TITLES[page]}${page === "approvals" && waiting > 0 ? html` <span class="badge" aria-label=${`${waiting} waiting`}>${waiting}</span>` : null}</a>`)}
      </nav>
      ${apiKey ? html`<button class="quiet" onClick=${() => { storeKey(""); setApiKey(""); setNeedsKey(true); }}>Forget key</button>` : null}
    </header>
    ${problem ? html`<p class="problem" role="alert">${problem} <button class="quiet" onClick=${() => setProblem("")}>Dismiss</button></p>` : null}
    <main class="page" id=${`page-${route.page}`}>${pageFor(route, context)}</main>
  `;
}

function pageFor(route: Route, context: ConsoleContext) {
  switch (route.page) {
    case "graph":
      return html`<${GraphPage} context=${context} assistantId=${route.assistantId} />`;
    case "approvals":
      return html`<${ApprovalsPage} context=${context} />`;
    case "threads":
      return html`<${ThreadsPage} context=${context} threadId=${route.threadId} />`;
    case "trace":
      return html`<${TracePage} context=${context} threadId=${route.threadId} runId=${route.runId} />`;
    case "memory":
      return html`<${MemoryPage} context=${context} />`;
    default:
      return html`<${RunPage} context=${context} />`;
  }
}

function KeyPrompt(props: { problem: string; onKey: (key: string) => void }) {
  const [key, setKey] = useState("");
  return html`<main class="page narrow">
    <h1>Switchboard console</h1>
    <form onSubmit=${(event: Event) => { event.preventDefault(); if (key.trim()) props.onKey(key.trim()); }}>
      <label for="api-key">API key</label>
      <input id="api-key" type="password" autocomplete="off" value=${key} onInput=${(e: Event) => setKey((e.target as HTMLInputElement).value)} />
      <p class="hint">Kept in this browser tab's session only, and sent with each API call.</p>
      ${props.problem ? html`<p class="problem" role="alert">${props.problem}</p>` : null}
      <button type="submit">Open the console</button>
    </form>
  </main>`;
}
