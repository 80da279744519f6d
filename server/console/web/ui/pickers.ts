/** Small shared widgets. */
import { html } from "htm/preact";
import type { ConsoleContext } from "./context.js";

/** The assistant (graph) select. */
export function AssistantPicker(props: { assistants: ConsoleContext["assistants"]; value: string; onChange: (id: string) => void }) {
  return html`<label for="assistant">Graph / assistant</label>
    <select id="assistant" value=${props.value} onChange=${(e: Event) => props.onChange((e.target as HTMLSelectElement).value)}>
      ${props.assistants.map((a) => html`<option value=${a.assistant_id}>${a.name === a.graph_id ? a.graph_id : `${a.name} (${a.graph_id})`}</option>`)}
    </select>`;
}

/** JSON shown for reading. */
export function JsonBlock({ value }: { value: unknown }) {
  return html`<pre class="json">${JSON.stringify(value, null, 2)}</pre>`;
}
