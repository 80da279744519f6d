/**
 * The assistants a caller sees, as MCP tools: a unique tool name per assistant, its description,
 * and an input schema made from the graph's input schema (the one /assistants/:id/schemas
 * answers) plus the two arguments of our own that continue a thread: `thread_id` and `resume`.
 */
import { LRUCache } from "lru-cache";
import { AjvJsonSchemaValidator } from "@modelcontextprotocol/sdk/validation/ajv";
import type { JsonSchemaType, JsonSchemaValidator } from "@modelcontextprotocol/sdk/validation";
import type { AppDeps } from "../../deps.js";
import { assistantIdForGraph, type GraphRegistry } from "../../graphs/registry.js";
import { graphSchemas } from "../../graphs/schemas.js";
import type { AssistantRecord } from "../../records/types.js";

/** An assistant as the API shows it (no owner). */
export type PublicAssistant = Omit<AssistantRecord, "owner">;

/** An assistant under its tool name. */
export interface AssistantToolEntry {
  name: string;
  assistant: PublicAssistant;
}

/** What tools/list shows of an assistant, and the check its arguments go through. */
export interface AssistantToolDefinition {
  description: string;
  inputSchema: Record<string, unknown>;
  validate: JsonSchemaValidator<Record<string, unknown>>;
}

/** What a call answers in `structuredContent` (declared as each tool's output schema, so clients can rely on it). */
export const OUTPUT_SCHEMA = {
  type: "object",
  properties: {
    thread_id: { type: "string", description: "Pass it back as `thread_id` to continue this conversation." },
    run_id: { type: "string" },
    assistant_id: { type: "string" },
    status: { type: "string", description: "success, error, timeout, interrupted, or paused (waiting for a resume)." },
    answer: { type: "string", description: "The run's final answer (its last AI message, else its output as JSON)." },
    interrupts: { type: "array", description: "When paused: what the run waits for (e.g. a tool call to approve)." },
  },
  required: ["thread_id", "run_id", "assistant_id", "status", "answer"],
} as const;

const MESSAGE_ITEM = {
  anyOf: [
    { type: "string", description: "A user message." },
    {
      type: "object",
      properties: {
        role: { type: "string", description: "user, assistant, system or tool (LangChain's `type`: human, ai, … works too)." },
        type: { type: "string" },
        content: { description: "Text, or a list of content parts." },
      },
      required: ["content"],
    },
  ],
};

/** The arguments every tool takes besides the graph's input (a graph input field of the same name is shadowed). */
const OWN_ARGUMENTS = {
  thread_id: { type: "string", format: "uuid", description: "Continue this thread (from an earlier result's structuredContent.thread_id); omit to start a new one." },
  resume: { description: 'With thread_id: resume a paused run with this value instead of sending input (a tool approval takes {"decision": "approve"}, {"decision": "reject", "reason": "…"} or {"decision": "edit", "args": {…}}).' },
};

const validator = new AjvJsonSchemaValidator();
const definitions = new WeakMap<GraphRegistry, LRUCache<string, Promise<AssistantToolDefinition>>>();

function toolName(assistant: PublicAssistant, taken: Set<string>): string {
  const base = assistant.name.replace(/[^A-Za-z0-9_-]+/g, "_").replace(/^_+|_+$/g, "").slice(0, 64) || "assistant";
  // The tail of the id: a uuid7's head is its timestamp, shared by assistants made in the same second.
  const name = taken.has(base) ? `${base.slice(0, 55)}_${assistant.assistant_id.replace(/-/g, "").slice(-8)}` : base;
  taken.add(name);
  return name;
}

/**
 * The tools, from the assistants the caller may see (as `POST /assistants/search` answered them,
 * the project's auth filters applied) by the server's `mcpTools` setting: each graph's built-in
 * assistant first (in graph order, so their names stay the graph ids), then the others, oldest first.
 */
export function assistantToolEntries(deps: Pick<AppDeps, "graphs" | "mcpTools">, visible: PublicAssistant[]): AssistantToolEntry[] {
  const builtIn = (record: PublicAssistant) => record.metadata.created_by === "system" && record.assistant_id === assistantIdForGraph(record.graph_id);
  const graphOrder = deps.graphs.ids();
  const chosen = visible
    .filter((record) => deps.graphs.has(record.graph_id) && (deps.mcpTools !== "graphs" || builtIn(record)))
    .sort((a, b) => Number(builtIn(b)) - Number(builtIn(a)) || graphOrder.indexOf(a.graph_id) - graphOrder.indexOf(b.graph_id) || a.created_at.localeCompare(b.created_at));
  const taken = new Set<string>();
  return chosen.map((assistant) => ({ name: toolName(assistant, taken), assistant }));
}

/** The graph's input schema, made usable by MCP clients (no $schema, message lists in the shape the API takes). */
function clientInputSchema(graphInput: unknown): Record<string, unknown> {
  const { $schema: _ignored, ...schema } = (graphInput && typeof graphInput === "object" ? graphInput : {}) as Record<string, unknown>;
  const properties = Object.fromEntries(
    Object.entries((schema.properties ?? {}) as Record<string, Record<string, unknown>>).map(([name, property]) =>
      // The extractor types message channels as LangChain classes; callers send plain messages, which the graph coerces.
      property.langgraph_type === "messages" ? [name, { type: "array", langgraph_type: "messages", description: property.description ?? "The conversation's new messages.", items: MESSAGE_ITEM }] : [name, property],
    ),
  );
  return { ...schema, type: "object", properties: { ...properties, ...OWN_ARGUMENTS } };
}

/**
 * How long tools/list waits for a graph's TypeScript schema pass (minutes on a cold, busy machine;
 * clients time out after 60 s): after it, the tool is listed with its channels as open
 * properties, and the next list tries again (the pass goes on meanwhile).
 */
const STATIC_SCHEMA_WAIT_MS = 5_000;

async function buildDefinition(deps: Pick<AppDeps, "graphs">, assistant: PublicAssistant, onProvisional: () => void): Promise<AssistantToolDefinition> {
  const graph = await deps.graphs.resolve(assistant.graph_id, assistant.config);
  const { input_schema } = await graphSchemas(deps.graphs.get(assistant.graph_id), graph, { staticWaitMs: STATIC_SCHEMA_WAIT_MS, onProvisional });
  const inputSchema = clientInputSchema(input_schema);
  let validate: JsonSchemaValidator<Record<string, unknown>>;
  try {
    validate = validator.getValidator<Record<string, unknown>>(inputSchema as JsonSchemaType);
  } catch {
    // A schema Ajv cannot compile (an unresolved $ref): the graph's own input handling is the check.
    validate = (input) => (input && typeof input === "object" && !Array.isArray(input) ? { valid: true, data: input as Record<string, unknown>, errorMessage: undefined } : { valid: false, data: undefined, errorMessage: "arguments must be an object" });
  }
  const description = assistant.description ?? deps.graphs.get(assistant.graph_id).description ?? `Runs the ${assistant.graph_id} graph (assistant ${assistant.assistant_id}) and answers with its final answer.`;
  return { description, inputSchema, validate };
}

/** The tool's definition, computed once per assistant version (schemas of TypeScript graphs take a compiler pass). */
export function assistantToolDefinition(deps: Pick<AppDeps, "graphs">, assistant: PublicAssistant): Promise<AssistantToolDefinition> {
  let cache = definitions.get(deps.graphs);
  if (!cache) definitions.set(deps.graphs, (cache = new LRUCache({ max: 512 })));
  const key = `${assistant.assistant_id}@${assistant.version}:${assistant.updated_at}`;
  let pending = cache.get(key);
  if (!pending) {
    // A provisional definition (the schema pass still running) is not kept: the next list asks again.
    let provisional = false;
    pending = buildDefinition(deps, assistant, () => (provisional = true));
    cache.set(key, pending);
    pending.then(
      () => provisional && cache.delete(key),
      () => cache.delete(key),
    );
  }
  return pending;
}
