/** The Memory page: the store namespaces the owner can see (episodes, knowledge, skills), browsed and searched. */
import { html } from "htm/preact";
import { useEffect, useState } from "preact/hooks";
import type { Item } from "@langchain/langgraph-sdk";
import { matchingItems } from "../logic/memory.js";
import { problemText } from "./api.js";
import type { ConsoleContext } from "./context.js";

/** The Memory page. */
export function MemoryPage({ context }: { context: ConsoleContext }) {
  const [namespaces, setNamespaces] = useState<string[][] | null>(null);
  const [chosen, setChosen] = useState<string[] | null>(null);
  const [query, setQuery] = useState("");
  const [items, setItems] = useState<Item[] | null>(null);
  const [problem, setProblem] = useState("");
  useEffect(() => {
    context.client.store
      .listNamespaces({ limit: 200 })
      .then((answer) => setNamespaces(answer.namespaces))
      .catch((error: unknown) => setProblem(problemText(error)));
  }, []);
  const search = async (namespace: string[], text: string) => {
    setChosen(namespace);
    setItems(null);
    try {
      const answer = await context.client.store.searchItems(namespace, { limit: 50, ...(text.trim() ? { query: text.trim() } : {}) });
      setItems(matchingItems(answer.items, text));
    } catch (error) {
      setProblem(problemText(error));
    }
  };
  return html`
    <h1>Memory</h1>
    ${problem ? html`<p class="problem" role="alert">${problem}</p>` : null}
    <div class="split">
      <section class="card" aria-labelledby="ns-title">
        <h2 id="ns-title">Namespaces</h2>
        ${namespaces === null ? html`<p role="status">Loading…</p>` : namespaces.length === 0 ? html`<p>Nothing stored yet.</p>` : html`<ul class="plain">
          ${namespaces.map((ns) => html`<li><button class=${`link${chosen?.join("/") === ns.join("/") ? " current" : ""}`} onClick=${() => search(ns, query)}>${ns.join(" / ")}</button></li>`)}
        </ul>`}
      </section>
      <section class="card" aria-labelledby="items-title">
        <h2 id="items-title">${chosen ? chosen.join(" / ") : "Items"}</h2>
        <form role="search" class="row" onSubmit=${(e: Event) => { e.preventDefault(); if (chosen) void search(chosen, query); }}>
          <label>Search <input type="search" value=${query} onInput=${(e: Event) => setQuery((e.target as HTMLInputElement).value)} /></label>
          <button type="submit" disabled=${!chosen}>Search</button>
        </form>
        ${chosen && items === null ? html`<p role="status">Loading…</p>` : null}
        ${items?.length === 0 ? html`<p role="status">No item matches.</p>` : null}
        ${(items ?? []).map((item) => html`<details class="item"><summary><code>${item.key}</code> <span class="hint">${item.updatedAt ?? ""}</span></summary><pre class="json">${JSON.stringify(item.value, null, 2)}</pre></details>`)}
      </section>
    </div>
  `;
}
