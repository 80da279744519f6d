/**
 * An MCP tool (as `@langchain/mcp-adapters` loads it) as one of our tool specs, so it runs
 * through the same executor as a built-in: its JSON schema becomes a zod schema (validation
 * errors go back to the model), its annotations give its side-effect class (unknown means an
 * external side effect, i.e. approval), and its result comes back as text with the server's
 * secrets scrubbed.
 */
import type { DynamicStructuredTool } from "@langchain/core/tools";
import { z } from "zod";
import type { AnyToolSpec, SideEffectClass } from "../types.js";
import { externalToolName, sideEffectOf, type McpServerConfig } from "./config.js";

/** What an MCP tool spec needs of the server it came from. */
export interface McpToolOrigin {
  server: string;
  config: McpServerConfig;
  handle: {
    readonly state: string;
    readonly problem: string | undefined;
    start(): Promise<void>;
    liveTool(name: string): DynamicStructuredTool | undefined;
    reportBroken(): void;
    scrubbed(text: string): string;
  };
}

/** MCP `ToolAnnotations` (hints from the server; the operator's config wins over them). */
interface ToolAnnotations {
  readOnlyHint?: boolean;
  destructiveHint?: boolean;
  idempotentHint?: boolean;
}

/** The side-effect class an MCP tool's annotations declare; without them, an external side effect. */
export function sideEffectFromAnnotations(annotations: ToolAnnotations | undefined): SideEffectClass {
  if (annotations?.readOnlyHint === true) return "read_only";
  if (annotations?.destructiveHint === false && annotations.idempotentHint === true) return "idempotent_write";
  return "external_side_effect";
}

// Errors that mean the connection, not the tool, failed (a 404 is a session the server forgot): reconnect.
const TRANSPORT_FAILURE = /connection closed|not connected|ECONNREFUSED|ECONNRESET|fetch failed|socket hang up|EPIPE|\(HTTP 404\)|session not found/i;

/** The spec of one MCP tool. */
export function mcpToolSpec(tool: DynamicStructuredTool, origin: McpToolOrigin): AnyToolSpec {
  const jsonSchema = tool.schema as Record<string, unknown>;
  let schema: z.ZodObject = z.looseObject({});
  try {
    const converted = z.fromJSONSchema(jsonSchema as Parameters<typeof z.fromJSONSchema>[0]);
    if (converted instanceof z.ZodObject) schema = converted;
  } catch {
    // A schema zod cannot rebuild is checked by the server itself; the model still sees it whole.
  }
  const mcpName = tool.name;
  const annotations = (tool.metadata as { annotations?: ToolAnnotations } | undefined)?.annotations;
  const { handle, server, config } = origin;
  return {
    name: externalToolName(server, mcpName),
    description: `(MCP server '${server}', tool '${mcpName}') ${tool.description || "No description given."}`,
    schema,
    modelSchema: jsonSchema,
    timeoutMs: config.timeoutMs,
    sideEffect: sideEffectOf(config, mcpName, sideEffectFromAnnotations(annotations)),
    source: `mcp:${server}`,
    async run(args, ctx) {
      if (handle.state !== "ready") await handle.start();
      const live = handle.liveTool(mcpName);
      if (!live) throw new Error(`MCP server '${server}' is not running${handle.problem ? ` (${handle.problem})` : ""}; try again later or continue without it.`);
      try {
        // The adapter's function, not `invoke`: the executor has validated and traces the call, so no
        // second validation and no nested tool run. The SDK's request timeout stays above ours, so
        // ours decides and the server is sent a cancellation.
        const output: unknown = await live.func(args, undefined, { signal: ctx.signal, metadata: { timeoutMs: config.timeoutMs + 1_000 } });
        return handle.scrubbed(resultText(output));
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        if (TRANSPORT_FAILURE.test(message) && !ctx.signal.aborted) handle.reportBroken();
        throw new Error(handle.scrubbed(message));
      }
    },
  };
}

type Block = { type?: string; text?: string; data?: unknown; url?: string; mime_type?: string; image_url?: { url?: string }; resource?: { uri?: string; text?: string }; uri?: string } | string | null | undefined;

/** A content block as the model reads it: text as is, a link by its URL, other media named (their bytes are not text). */
function blockText(block: Block): string {
  if (typeof block === "string") return block;
  if (typeof block?.text === "string") return block.type === "text" ? block.text : `[${block.type ?? "resource"}${block.url ? ` ${block.url}` : ""}]\n${block.text}`;
  if (block?.type === "file" && typeof block.url === "string") return `[file ${block.url}${block.mime_type ? ` (${block.mime_type})` : ""}]`;
  const mime = block?.mime_type ?? block?.image_url?.url?.match(/^data:([^;,]+)/)?.[1];
  return `[${block?.type === "image_url" ? "image" : (block?.type ?? "content")}${mime ? ` (${mime})` : ""} omitted]`;
}

/** An embedded resource the adapter keeps as an artifact: its text, under its URI (binary ones are named only). */
function resourceText(artifact: Block): string | undefined {
  if (!artifact || typeof artifact !== "object" || artifact.type !== "resource") return undefined;
  const resource = (artifact.resource ?? artifact) as { uri?: string; text?: unknown };
  return typeof resource.text === "string" ? `[resource ${resource.uri ?? ""}]\n${resource.text}` : `[resource ${resource.uri ?? ""} omitted]`;
}

/**
 * The text of an adapter tool's `[content, artifacts]`: text blocks kept, other blocks named,
 * embedded resources' text added; a result with no text but structured content gives that
 * content as JSON.
 */
export function resultText(output: unknown): string {
  const [content, artifacts] = Array.isArray(output) && output.length === 2 && Array.isArray(output[1]) ? (output as [unknown, Block[]]) : [output, [] as Block[]];
  const blocks: Block[] = Array.isArray(content) ? content : [content as Block];
  const text = [...blocks.map(blockText), ...artifacts.map(resourceText).filter((part): part is string => part !== undefined)].join("\n");
  if (text.trim()) return text;
  const structured = artifacts.find((artifact) => typeof artifact === "object" && artifact?.type === "mcp_structured_content");
  return structured && typeof structured === "object" ? (JSON.stringify(structured.data) ?? "") : text;
}
