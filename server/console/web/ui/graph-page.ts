/** The Graph page: the selected graph's drawing (xray for subgraphs), the running node highlighted live. */
import { html } from "htm/preact";
import { useEffect, useState } from "preact/hooks";
import { layoutGraph, type GraphDrawing } from "../logic/graph-layout.js";
import { problemText } from "./api.js";
import type { ConsoleContext } from "./context.js";
import { AssistantPicker } from "./pickers.js";

/** The Graph page. */
export function GraphPage({ context, assistantId }: { context: ConsoleContext; assistantId: string | null }) {
  const chosen = assistantId ?? context.live?.assistantId ?? context.assistants[0]?.assistant_id ?? "";
  const [xray, setXray] = useState(false);
  const [drawing, setDrawing] = useState<GraphDrawing | null>(null);
  const [problem, setProblem] = useState("");
  useEffect(() => {
    if (!chosen) return;
    setDrawing(null);
    context.client.assistants
      .getGraph(chosen, { xray })
      .then((graph) => setDrawing(layoutGraph(graph as never)))
      .catch((error: unknown) => setProblem(problemText(error)));
  }, [chosen, xray]);
  const followed = context.live && context.live.assistantId === chosen ? context.live.view : null;
  const live = followed?.activeNode ?? null;
  const isActive = (id: string) => live !== null && (id === live || id.startsWith(`${live}:`));
  return html`
    <h1>Graph</h1>
    <div class="card row">
      <div><${AssistantPicker} assistants=${context.assistants} value=${chosen} onChange=${(id: string) => context.navigate({ page: "graph", assistantId: id })} /></div>
      <label class="check"><input type="checkbox" checked=${xray} onChange=${(e: Event) => setXray((e.target as HTMLInputElement).checked)} /> Show subgraphs (xray)</label>
      <p aria-live="polite">${live ? html`${followed?.status === "interrupted" ? "Waiting for a human at" : "Running now"}: <strong data-testid="graph-active">${live}</strong>` : followed ? `The followed run ended (${followed.status}).` : "No run of this graph is being followed."}</p>
    </div>
    ${problem ? html`<p class="problem" role="alert">${problem}</p>` : null}
    ${drawing
      ? html`<div class="graph-box"><svg role="img" aria-label="Graph drawing" viewBox=${`0 0 ${drawing.width} ${drawing.height}`} width=${drawing.width} height=${drawing.height}>
          <defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0 0 L10 5 L0 10 z" fill="currentColor" /></marker></defs>
          ${drawing.edges.map((edge) => html`<path class=${`edge${edge.conditional ? " conditional" : ""}`} d=${edge.path} marker-end="url(#arrow)" />`)}
          ${drawing.nodes.map((node) => html`<g class=${`node${isActive(node.id) ? " active" : ""}${node.label.startsWith("__") ? " terminal" : ""}`} data-node=${node.id}>
            <title>${node.id}</title>
            <rect x=${node.x} y=${node.y} width=${node.width} height=${node.height} rx="8" />
            <text x=${node.x + node.width / 2} y=${node.y + node.height / 2 + 4} text-anchor="middle">${node.label}</text>
          </g>`)}
        </svg></div>`
      : html`<p role="status">Loading the graph…</p>`}
  `;
}
