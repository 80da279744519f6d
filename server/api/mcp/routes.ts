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
 *
 * The tools reach assistants and runs through the app's own routes with the caller's headers
 * (`/assistants/search`, `/threads/:id/runs/wait`), as the reference goes through its own API
 * client: whatever holds for those routes (API keys or the project's Auth, its middleware) holds here.
 */
import { Hono, type Context } from "hono";
import { Server } from "@modelcontextprotocol/sdk/server/index.js";
import { WebStandardStreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js";
import { CallToolRequestSchema, ErrorCode, ListToolsRequestSchema } from "@modelcontextprotocol/sdk/types.js";
import type { AppDeps } from "../../deps.js";
import { answerOf, callAssistantTool, protocolError, type CallerApi } from "./call.js";
import { assistantToolDefinition, assistantToolEntries, OUTPUT_SCHEMA, type PublicAssistant } from "./tools.js";

const SERVER_INFO = { name: "switchboard", version: "0.1.0" };

/** The SDK server for one request, acting through `api` as its caller. */
function mcpServer(deps: AppDeps, api: CallerApi): Server {
  const server = new Server(SERVER_INFO, {
    capabilities: { tools: {} },
    instructions: "Each tool runs one Switchboard assistant. Pass a result's thread_id back to continue that conversation; a paused run says how to resume it.",
  });
  const entries = async () => assistantToolEntries(deps, await answerOf<PublicAssistant[]>(await api("/assistants/search", { limit: 1000 })));
  server.setRequestHandler(ListToolsRequestSchema, async () => {
    const tools = [];
    for (const entry of await entries()) {
      // One assistant whose graph cannot be built (a factory failing on its config) costs its own tool, not the list.
      const definition = await assistantToolDefinition(deps, entry.assistant).catch((error: unknown) => {
        deps.logger.warn({ assistant_id: entry.assistant.assistant_id, graph_id: entry.assistant.graph_id, err: error }, "/mcp tools/list left out an assistant whose graph could not be built");
        return undefined;
      });
      if (!definition) continue;
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
    const all = await entries();
    const entry = all.find((candidate) => candidate.name === request.params.name);
    if (!entry) throw protocolError(ErrorCode.InvalidParams, `Unknown tool ${request.params.name}; the tools are ${all.map((candidate) => candidate.name).join(", ") || "none"}.`);
    const definition = await assistantToolDefinition(deps, entry.assistant);
    return callAssistantTool(api, entry, definition, request.params.arguments ?? {});
  });
  return server;
}

/** Requests to the app's own routes with the caller's headers (its key or credentials, its request id), answered in JSON. */
function callerApi(app: AppRequest, c: Context): CallerApi {
  const headers = new Headers(c.req.raw.headers);
  for (const name of ["content-length", "content-type", "accept", "mcp-protocol-version", "mcp-session-id", "last-event-id"]) headers.delete(name);
  headers.set("accept", "application/json");
  return async (path, body) => {
    if (body === undefined) return app(path, { method: "GET", headers });
    const withBody = new Headers(headers);
    withBody.set("content-type", "application/json");
    return app(path, { method: "POST", headers: withBody, body: JSON.stringify(body) });
  };
}

/**
 * The request's headers with an Accept the transport takes, and whether to answer in SSE. The
 * spec has clients accept both JSON and SSE and the SDK's transport refuses others with a 406;
 * but a stateless server answers in one message either way, so a client that takes only JSON
 * (curl, plain fetch, `*\/*`, no Accept at all) gets JSON and one that takes only SSE gets SSE.
 */
function negotiated(original: Headers): { headers: Headers; stream: boolean } {
  const accept = (original.get("accept") ?? "").toLowerCase();
  const json = !accept.trim() || /application\/json|application\/\*|\*\/\*/.test(accept);
  const sse = accept.includes("text/event-stream");
  const headers = new Headers(original);
  headers.set("accept", "application/json, text/event-stream");
  return { headers, stream: sse && !json };
}

/** Answers one POST with a server and transport of its own (a body that is not JSON goes as is: the transport answers the parse error). */
async function handle(deps: AppDeps, app: AppRequest, c: Context): Promise<Response> {
  const server = mcpServer(deps, callerApi(app, c));
  const { headers, stream } = negotiated(c.req.raw.headers);
  const transport = new WebStandardStreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: !stream });
  await server.connect(transport);
  let response: Response;
  try {
    // Read once here: the transport gets it parsed, or as is (to answer the parse error) when it is not JSON.
    const body = await c.req.text();
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch {
      parsed = undefined;
    }
    const request = new Request(c.req.raw.url, { method: "POST", headers, body });
    response = await transport.handleRequest(request, parsed === undefined ? undefined : { parsedBody: parsed });
  } catch (error) {
    await server.close();
    throw error;
  }
  // An SSE answer is written after handleRequest returns: the server closes once its stream has ended.
  if (!stream || !response.body || !response.headers.get("content-type")?.startsWith("text/event-stream")) {
    await server.close();
    return response;
  }
  const closing = response.body.pipeThrough(new TransformStream({ flush: () => server.close() }));
  return new Response(closing, { status: response.status, headers: response.headers });
}

const notAllowed = (c: Context) =>
  c.json({ jsonrpc: "2.0", error: { code: ErrorCode.ConnectionClosed, message: "Method not allowed: /mcp is stateless; POST JSON-RPC messages to it." }, id: null }, 405, { Allow: "POST" });

/** A request to the whole app (every middleware), as `app.request` makes it. */
export type AppRequest = (path: string, init: RequestInit) => Promise<Response>;

/** The /mcp routes; `app` reaches the app they are mounted on (the tools call its routes). */
export function mcpRoutes(deps: AppDeps, app: AppRequest): Hono {
  const routes = new Hono();
  routes.post("/mcp", (c) => handle(deps, app, c));
  routes.get("/mcp", notAllowed);
  routes.delete("/mcp", notAllowed);
  return routes;
}
