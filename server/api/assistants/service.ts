/** Assistant lookups shared by routes: by assistant id or graph id, visible to the owner. */
import { NotFoundError } from "../../../lib/errors.js";
import type { AppDeps } from "../../deps.js";
import { assistantIdForGraph, type GraphRegistry } from "../../graphs/registry.js";
import type { AssistantRecord, Storage } from "../../records/types.js";

/** The assistant id a client may address by graph id. */
export function resolveAssistantId(graphs: GraphRegistry, idOrGraph: string): string {
  return graphs.has(idOrGraph) ? assistantIdForGraph(idOrGraph) : idOrGraph;
}

/** System assistants change only by an edit here: each registry keeps them in memory, saving a Redis read per run. */
const systemAssistants = new WeakMap<GraphRegistry, Map<string, AssistantRecord>>();

/**
 * The assistant, if it exists and the owner may see it (system assistants are everyone's); 404
 * otherwise, in the reference's words ("Assistant not found", or for a run "No assistant found for …").
 */
export async function getVisibleAssistant(deps: Pick<AppDeps, "storage" | "graphs">, owner: string, idOrGraph: string, use: "read" | "run" = "read"): Promise<AssistantRecord> {
  const id = resolveAssistantId(deps.graphs, idOrGraph);
  const system = systemAssistants.get(deps.graphs)?.get(id);
  if (system) return system;
  const record = await deps.storage.assistants.get(id);
  if (!record || (record.owner !== null && record.owner !== owner)) {
    const message = use === "run" ? `No assistant found for "${idOrGraph}". Make sure the assistant ID is for a valid assistant or a valid graph ID.` : "Assistant not found";
    throw new NotFoundError("assistant", idOrGraph, { message });
  }
  return record;
}

/**
 * Registers the system assistant of every served graph (idempotent; runs at start-up). `defaults`
 * is LANGGRAPH_CONFIG: per graph id, the assistant's config and its `context`, as the reference reads it.
 */
export async function ensureSystemAssistants(storage: Storage, graphs: GraphRegistry, defaults: Record<string, Record<string, unknown>> = {}): Promise<void> {
  const now = new Date().toISOString();
  const cache = new Map<string, AssistantRecord>();
  systemAssistants.set(graphs, cache);
  for (const graphId of graphs.ids()) {
    const { context, ...config } = defaults[graphId] ?? {};
    const { record } = await storage.assistants.create({
      assistant_id: assistantIdForGraph(graphId),
      graph_id: graphId,
      config,
      context: context && typeof context === "object" ? (context as Record<string, unknown>) : {},
      metadata: { created_by: "system" },
      name: graphId,
      description: graphs.get(graphId).description ?? null,
      version: 1,
      created_at: now,
      updated_at: now,
      owner: null,
    });
    if (record.owner === null && record.graph_id === graphId) cache.set(record.assistant_id, record);
  }
}

/** Keeps the in-memory copy of a system assistant current after an edit (other processes read Redis on restart). */
export function rememberSystemAssistant(graphs: GraphRegistry, record: AssistantRecord): void {
  if (record.owner === null) systemAssistants.get(graphs)?.set(record.assistant_id, record);
}

/** The record as the API shows it (without the owner). */
export function publicAssistant(record: AssistantRecord): Omit<AssistantRecord, "owner"> {
  const { owner: _owner, ...rest } = record;
  return rest;
}
