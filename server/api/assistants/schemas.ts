/**
 * JSON Schemas of a graph's input, output, state and config, from its runtime schemas (zod
 * state schemas convert directly; Annotation-based graphs list their channels).
 */
import { z } from "zod";
import type { ServableGraph } from "../../graphs/registry.js";

function toJsonSchema(schema: unknown): unknown {
  if (!schema || typeof schema !== "object") return null;
  try {
    if ("_zod" in (schema as object)) return z.toJSONSchema(schema as z.ZodType, { unrepresentable: "any" });
  } catch {
    // fall through to the channel listing
  }
  return null;
}

function channelSchema(graph: ServableGraph, title: string, keys: unknown): unknown {
  const names = Array.isArray(keys) ? keys : typeof keys === "string" ? [keys] : [];
  const properties = Object.fromEntries(names.filter((name: string) => !name.startsWith("__") && !name.includes(":")).map((name: string) => [name, {}]));
  return { title: `${graph.name ?? "graph"}_${title}`, type: "object", properties };
}

/** The graph's schemas in the shape of GET /assistants/:id/schemas (without graph_id). */
export function graphSchemas(graph: ServableGraph): Record<string, unknown> {
  const builder = graph.builder as { _inputDefinition?: unknown; _outputDefinition?: unknown; _schemaDefinition?: unknown; _configSchema?: unknown } | undefined;
  const pregel = graph as unknown as { inputChannels?: unknown; outputChannels?: unknown; streamChannels?: unknown; channels?: Record<string, unknown> };
  const state = toJsonSchema(builder?._schemaDefinition) ?? channelSchema(graph, "state", Object.keys(pregel.channels ?? {}));
  return {
    input_schema: toJsonSchema(builder?._inputDefinition) ?? channelSchema(graph, "input", pregel.inputChannels),
    output_schema: toJsonSchema(builder?._outputDefinition) ?? channelSchema(graph, "output", pregel.outputChannels),
    state_schema: state,
    config_schema: toJsonSchema(builder?._configSchema) ?? { title: "Config", type: "object", properties: {} },
    context_schema: toJsonSchema(builder?._configSchema) ?? { title: "Context", type: "object", properties: {} },
  };
}
