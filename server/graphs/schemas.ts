/**
 * JSON Schemas of a graph and its subgraphs (input, output, state, config), found the way the
 * reference finds them and with its own extractor (@langchain/langgraph-api/schema): from the
 * graph at run time when its state is zod or a StateSchema (with `.langgraph` registry metadata
 * and `jsonSchemaExtra`), else from the TypeScript types of its source (the compiler API, in a
 * worker thread; `Annotation` states). The TypeScript pass is slow (seconds to minutes), so it
 * runs once per graph version (source file and modification time) and is shared by every caller.
 * Message channels (messagesStateReducer) get `langgraph_type: "messages"` either way, so Studio
 * draws them as a chat.
 */
import { stat } from "node:fs/promises";
import { messagesStateReducer } from "@langchain/langgraph";
import { registry } from "@langchain/langgraph/zod";
import { z } from "zod";
import { getRuntimeGraphSchema, getStaticGraphSchema, type GraphSchema } from "@langchain/langgraph-api/schema";
import type { ServableGraph, ServedGraph } from "./registry.js";
import { TIMED_OUT, waitAtMost } from "../../lib/wait-at-most.js";

/** A graph's schemas as the API names them. */
export interface ApiGraphSchemas {
  input_schema: unknown;
  output_schema: unknown;
  state_schema: unknown;
  config_schema: unknown;
  context_schema: unknown;
}

/** A subgraph's schemas, as the reference answers /assistants/:id/subgraphs. */
export type SubgraphSchemas = GraphSchema;

/** How long the TypeScript pass may take (a cold compile of a large project on a busy machine). */
const STATIC_TIMEOUT_MS = 300_000;

const staticCache = new Map<string, Promise<Record<string, GraphSchema>>>();

async function staticSchemas(served: ServedGraph): Promise<Record<string, GraphSchema> | undefined> {
  if (served.typedSchemas) return served.typedSchemas as Record<string, GraphSchema>;
  if (!served.source) return undefined;
  const version = await stat(served.source.sourceFile).then((info) => info.mtimeMs, () => 0);
  const key = `${served.source.sourceFile}:${served.source.exportSymbol}@${version}`;
  let pending = staticCache.get(key);
  if (!pending) {
    pending = getStaticGraphSchema(served.source, { timeoutMs: STATIC_TIMEOUT_MS });
    staticCache.set(key, pending);
    // A failed pass is tried again on the next request rather than remembered.
    pending.catch(() => staticCache.delete(key));
  }
  return pending.catch(() => undefined);
}

function channelNames(graph: ServableGraph): { messages: Set<string>; all: string[] } {
  const channels = ((graph as unknown as { channels?: Record<string, { operator?: unknown }> }).channels ?? {}) as Record<string, { operator?: unknown }>;
  const all = Object.keys(channels).filter((name) => !name.startsWith("__") && !name.includes(":"));
  return { all, messages: new Set(all.filter((name) => channels[name]?.operator === messagesStateReducer)) };
}

/** Marks message channels, and lists channels as untyped properties when no extractor knew the type. */
function finish(schema: unknown, graph: ServableGraph, fallbackTitle: string): unknown {
  const { messages, all } = channelNames(graph);
  const base = (schema ?? { title: fallbackTitle, type: "object", properties: Object.fromEntries(all.map((name) => [name, {}])) }) as { properties?: Record<string, Record<string, unknown>> };
  if (!base.properties) return base;
  const properties = Object.fromEntries(
    Object.entries(base.properties).map(([name, property]) => [name, messages.has(name) && !property.langgraph_type ? { ...property, langgraph_type: "messages" } : property]),
  );
  return { ...base, properties };
}

/** A graph built without an output schema outputs its whole state. */
function outputIsState(graph: ServableGraph): boolean {
  const builder = graph.builder as { _outputDefinition?: unknown; _schemaDefinition?: unknown } | undefined;
  return builder !== undefined && builder._outputDefinition !== undefined && builder._outputDefinition === builder._schemaDefinition;
}

function merge(runtime: GraphSchema | undefined, fromTypes: GraphSchema | undefined, graph: ServableGraph): Partial<GraphSchema> {
  // The TypeScript pass reads a StateGraph built with `{ stateSchema, input }` as having the input's
  // state; when no output schema narrows it, the output type is the full state, so take that.
  const typedState = fromTypes && outputIsState(graph) && fromTypes.output ? fromTypes.output : fromTypes?.state;
  return {
    state: runtime?.state ?? typedState,
    input: runtime?.input ?? fromTypes?.input,
    output: runtime?.output ?? fromTypes?.output,
    config: runtime?.config ?? fromTypes?.config,
  };
}

const complete = (schema: GraphSchema | undefined) => Boolean(schema?.state && schema.input && schema.output);

/**
 * Zod states the reference's runtime pass gives up on (a `z.custom` field cannot be JSON Schema):
 * converted anyway, such a field left open, with the registry's `jsonSchemaExtra` kept.
 */
function lenientZodSchemas(graph: ServableGraph): GraphSchema | undefined {
  const builder = graph.builder as { _schemaRuntimeDefinition?: unknown; _inputRuntimeDefinition?: unknown; _outputRuntimeDefinition?: unknown; _configRuntimeSchema?: unknown } | undefined;
  const convert = (schema: unknown, io: "input" | "output") => {
    if (!schema || typeof schema !== "object" || !("_zod" in schema)) return undefined;
    try {
      return z.toJSONSchema(schema as z.ZodType, {
        unrepresentable: "any",
        io,
        override: (ctx) => {
          const extra = (registry.get(ctx.zodSchema as never) as { jsonSchemaExtra?: Record<string, unknown> } | undefined)?.jsonSchemaExtra;
          if (extra) Object.assign(ctx.jsonSchema, extra);
        },
      }) as GraphSchema["state"];
    } catch {
      return undefined;
    }
  };
  const state = convert(builder?._schemaRuntimeDefinition, "output");
  if (!state) return undefined;
  const input = convert(builder?._inputRuntimeDefinition, "input") ?? { ...convert(builder?._schemaRuntimeDefinition, "input"), required: undefined };
  return { state, input: input as GraphSchema["input"], output: convert(builder?._outputRuntimeDefinition, "output") ?? state, config: convert(builder?._configRuntimeSchema, "input") };
}

/** How long `graphSchemas` may wait for the TypeScript pass; when it runs longer, `onProvisional` hears it. */
export interface SchemaWait {
  staticWaitMs: number;
  onProvisional: () => void;
}

/** The pass's answer, or undefined (and `onProvisional` told) when it is not done within the wait; the pass goes on either way. */
async function boundedStaticSchemas(served: ServedGraph, wait: SchemaWait | undefined): Promise<Record<string, GraphSchema> | undefined> {
  const pending = staticSchemas(served);
  if (!wait) return pending;
  const first = await waitAtMost(pending, wait.staticWaitMs);
  if (first !== TIMED_OUT) return first;
  wait.onProvisional();
  return undefined;
}

/**
 * The schemas of a served graph (resolved for an assistant's config when it is a factory). With
 * `wait`, a TypeScript pass still running after `staticWaitMs` gives way to the channel names (each
 * an open property), so a caller with a deadline of its own (an MCP client's tools/list) is answered.
 */
export async function graphSchemas(served: ServedGraph, graph: ServableGraph, wait?: SchemaWait): Promise<ApiGraphSchemas> {
  const runtime = (await getRuntimeGraphSchema(graph as never).catch(() => undefined)) ?? lenientZodSchemas(graph);
  const all = complete(runtime) ? undefined : await boundedStaticSchemas(served, wait);
  const root = all ? Object.entries(all).find(([name]) => !name.includes("|"))?.[1] : undefined;
  const schema = merge(runtime, root, graph);
  const config = served.configSchema ?? schema.config ?? { title: "Config", type: "object", properties: {} };
  return {
    input_schema: finish(schema.input, graph, `${served.id}_input`),
    output_schema: finish(schema.output, graph, `${served.id}_output`),
    state_schema: finish(schema.state, graph, `${served.id}_state`),
    config_schema: config,
    // From JavaScript, config and context are one schema (as the reference answers).
    context_schema: config,
  };
}

/** The schemas of the subgraphs under `namespace` (all with `recurse`), keyed by namespace. */
export async function subgraphSchemas(served: ServedGraph, graph: ServableGraph, namespace: string | undefined, recurse: boolean): Promise<Record<string, SubgraphSchemas>> {
  const result: Record<string, SubgraphSchemas> = {};
  let all: Promise<Record<string, GraphSchema> | undefined> | undefined;
  for await (const [ns, subgraph] of graph.getSubgraphsAsync(namespace, recurse)) {
    let schema: Partial<GraphSchema> | undefined = (await getRuntimeGraphSchema(subgraph as never).catch(() => undefined)) ?? lenientZodSchemas(subgraph);
    if (!complete(schema as GraphSchema | undefined)) {
      all ??= staticSchemas(served);
      const found = await all;
      const rootName = found ? Object.keys(found).find((name) => !name.includes("|")) : undefined;
      schema = merge(schema as GraphSchema | undefined, found && rootName ? (found[`${rootName}|${ns}`] ?? found[rootName]) : undefined, subgraph);
    }
    result[ns] = {
      state: finish(schema?.state, subgraph, `${ns}_state`) as GraphSchema["state"],
      input: finish(schema?.input, subgraph, `${ns}_input`) as GraphSchema["input"],
      output: finish(schema?.output, subgraph, `${ns}_output`) as GraphSchema["output"],
      config: (schema?.config ?? { title: "Config", type: "object", properties: {} }) as GraphSchema["config"],
    };
  }
  return result;
}
