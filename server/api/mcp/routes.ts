/**
 * `/mcp`: the Model Context Protocol over Streamable HTTP (the MCP SDK's server and web-standard
 * transport), every assistant the caller sees as a tool (server/api/mcp/tools.ts).
 *
 * Like the reference (LangGraph Server's /mcp) it is stateless: each POST gets its own SDK server
 * and transport, so any process behind a load balancer answers any request, and GET (a
 * server-to-client event stream) and DELETE (ending a session) are 405. It also answers in JSON,
 * not SSE, as the reference does. Where the issue asks for more than the reference gives, the
 * issue wins: a tool call runs on a thread and says which (`structuredContent.thread_id`, and the
 * `thread_id` argument continues it) where the reference runs a stateless run, and a run paused
 * for approval answers how to resume it (the `resume` argument, or the runs API).
 */
import { Hono, type Context } from "hono";
import { Server } from "@modelcontextprotocol/sdk/server/index.js";
import { WebStandardStreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js";
import { CallToolRequestSchema, ErrorCode, ListToolsRequestSchema, McpError } from "@modelcontextprotocol/sdk/types.js";
import type { AppDeps } from "../../deps.js";
import { ownerOf } from "../../middleware/auth.js";
import { callAssistantTool } from "./call.js";
import { assistantToolDefinition, assistantToolEntries, OUTPUT_SCHEMA } from "./tools.js";

const SERVER_INFO = { name: "switchboard", version: "0.1.0" };

/** The SDK server for one request, acting for `owner`. */
function mcpServer(deps: AppDeps, owner: string): Server {
  const server = new Server(SERVER_INFO, {
    capabilities: { tools: {} },
    instructions: "Each tool runs one Switchboard assistant. Pass a result's thread_id back to continue that conversation; a paused run says how to resume it.",
  });
  server.setRequestHandler(ListToolsRequestSchema, async () => {
    const entries = await assistantToolEntries(deps, owner);
    const tools = [];
    for (const entry of entries) {
      const definition = await assistantToolDefinition(deps, entry.assistant);
      tools.push({
        name: entry.name,
        title: entry.assistant.name,
        description: definition.description,
        inputSchema: definition.inputSchema as { type: "object" },
        outputSchema: OUTPUT_SCHEMA as unknown as { type: "object" },
        _meta: { assistant_id: entry.assistant.assistant_id, graph_id: entry.assistant.graph_id },
      });
    }
    return { tools };
  });
  server.setRequestHandler(CallToolRequestSchema, async (request) => {
    const entries = await assistantToolEntries(deps, owner);
    const entry = entries.find((candidate) => candidate.name === request.params.name);
    if (!entry) throw new McpError(ErrorCode.InvalidParams, `Unknown tool ${request.params.name}; the tools are ${entries.map((candidate) => candidate.name).join(", ") || "none"}.`);
    const definition = await assistantToolDefinition(deps, entry.assistant);
    return callAssistantTool(deps, owner, entry, definition, request.params.arguments ?? {});
  });
  return server;
}

/** Answers one POST with a server and transport of its own (a body that is not JSON goes as is: the transport answers the parse error). */
async function handle(deps: AppDeps, c: Context): Promise<Response> {
  const server = mcpServer(deps, ownerOf(c));
  const transport = new WebStandardStreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
  await server.connect(transport);
  try {
    // Hono's body limit has read the stream already; hand the transport the text it kept.
    const body = await c.req.text();
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch {
      const raw = c.req.raw;
      return await transport.handleRequest(new Request(raw.url, { method: "POST", headers: raw.headers, body }));
    }
    return await transport.handleRequest(c.req.raw, { parsedBody: parsed });
  } finally {
    await server.close();
  }
}

const notAllowed = (c: Context) =>
  c.json({ jsonrpc: "2.0", error: { code: ErrorCode.ConnectionClosed, message: "Method not allowed: /mcp is stateless; POST JSON-RPC messages to it." }, id: null }, 405, { Allow: "POST" });

/** The /mcp routes. */
export function mcpRoutes(deps: AppDeps): Hono {
  const app = new Hono();
  app.post("/mcp", (c) => handle(deps, c));
  app.get("/mcp", notAllowed);
  app.delete("/mcp", notAllowed);
  return app;
}
