/**
 * The OpenAPI document of the server (every route it mounts) and the /docs page. The table is
 * kept by hand; server/app.test.ts walks the routes mounted on the app and fails on any route
 * missing here, or listed here but not mounted.
 */

type Route = [method: string, path: string, summary: string, tag: string, body?: boolean | "array"];

const ROUTES: Route[] = [
  ["get", "/ok", "Liveness", "System"],
  ["get", "/info", "Server information", "System"],
  ["get", "/metrics", "Prometheus metrics", "System"],
  ["get", "/health", "Process health (answers while the process lives)", "System"],
  ["get", "/ready", "Readiness: Redis, the queue and the workers answer (503 with Retry-After otherwise)", "System"],
  ["get", "/openapi.json", "This document", "System"],
  ["get", "/docs", "A page listing the routes, to try them", "System"],
  ["get", "/", "Redirects to the web console", "Console"],
  ["get", "/console/", "Redirects to /console", "Console"],
  ["get", "/console", "The web console (run, graph, approvals, threads, trace, memory); no key needed for the page", "Console"],
  ["get", "/console/assets/{file}", "The console's bundle (main.js, main.css)", "Console"],
  ["get", "/console/langsmith/{thread_id}/{run_id}", "The LangSmith link of a run, when LANGSMITH_TRACING is on", "Console"],
  ["post", "/assistants", "Create an assistant", "Assistants", true],
  ["post", "/assistants/search", "Search assistants", "Assistants", true],
  ["post", "/assistants/count", "Count assistants", "Assistants", true],
  ["get", "/assistants/{assistant_id}", "Get an assistant (or graph id)", "Assistants"],
  ["patch", "/assistants/{assistant_id}", "Update an assistant", "Assistants", true],
  ["delete", "/assistants/{assistant_id}", "Delete an assistant", "Assistants"],
  ["post", "/assistants/{assistant_id}/versions", "List an assistant's versions", "Assistants", true],
  ["post", "/assistants/{assistant_id}/latest", "Make an earlier version the current one", "Assistants", true],
  ["get", "/assistants/{assistant_id}/graph", "Graph drawing (?xray)", "Assistants"],
  ["get", "/assistants/{assistant_id}/schemas", "Input, output, state and config schemas", "Assistants"],
  ["get", "/assistants/{assistant_id}/subgraphs", "Subgraphs and their schemas", "Assistants"],
  ["get", "/assistants/{assistant_id}/subgraphs/{namespace}", "The subgraphs under one namespace", "Assistants"],
  ["post", "/threads", "Create a thread (if_exists; ttl: minutes or { ttl, strategy: delete | keep_latest })", "Threads", true],
  ["post", "/threads/search", "Search threads", "Threads", true],
  ["post", "/threads/count", "Count threads", "Threads", true],
  ["post", "/threads/prune", "Prune threads by id (strategy delete, or keep_latest: only the latest checkpoint)", "Threads", true],
  ["get", "/threads/{thread_id}", "Get a thread", "Threads"],
  ["patch", "/threads/{thread_id}", "Update a thread's metadata or ttl", "Threads", true],
  ["delete", "/threads/{thread_id}", "Delete a thread", "Threads"],
  ["post", "/threads/{thread_id}/copy", "Copy a thread with its checkpoints", "Threads"],
  ["get", "/threads/{thread_id}/state", "Latest state", "Threads"],
  ["post", "/threads/{thread_id}/state", "Update state (forks from checkpoint_id)", "Threads", true],
  ["get", "/threads/{thread_id}/state/{checkpoint_id}", "State at a checkpoint", "Threads"],
  ["post", "/threads/{thread_id}/state/checkpoint", "State at a checkpoint", "Threads", true],
  ["post", "/threads/{thread_id}/history", "History, newest first", "Threads", true],
  ["get", "/threads/{thread_id}/history", "History, newest first", "Threads"],
  ["get", "/threads/{thread_id}/stream", "Follow every run of the thread (SSE; ?stream_mode=run_modes|lifecycle|state_update, Last-Event-ID)", "Threads"],
  ["post", "/threads/{thread_id}/runs", "Create a background run (webhook: POSTed the run's result when it ends)", "Runs", true],
  ["get", "/threads/{thread_id}/runs", "List runs", "Runs"],
  ["post", "/threads/{thread_id}/runs/stream", "Create a run and stream it (SSE)", "Runs", true],
  ["post", "/threads/{thread_id}/runs/wait", "Create a run and wait for its output", "Runs", true],
  ["get", "/threads/{thread_id}/runs/{run_id}", "Get a run", "Runs"],
  ["delete", "/threads/{thread_id}/runs/{run_id}", "Delete a finished run", "Runs"],
  ["get", "/threads/{thread_id}/runs/{run_id}/join", "Wait for a run's output", "Runs"],
  ["get", "/threads/{thread_id}/runs/{run_id}/stream", "Join a run's stream (Last-Event-ID, ?stream_mode)", "Runs"],
  ["post", "/threads/{thread_id}/runs/{run_id}/cancel", "Cancel a run (?action=interrupt|rollback&wait)", "Runs"],
  ["get", "/threads/{thread_id}/runs/{run_id}/trace", "The run's trace: steps, tokens and cost (?format=text)", "Runs"],
  ["post", "/runs/cancel", "Cancel many runs: run_ids (on any of your threads), a thread_id's active runs, or every active run by status; ?action", "Runs", true],
  ["post", "/runs", "Create a stateless background run", "Stateless runs", true],
  ["post", "/runs/batch", "Create up to 100 stateless background runs", "Stateless runs", "array"],
  ["post", "/runs/stream", "Stream a stateless run", "Stateless runs", true],
  ["post", "/runs/wait", "Wait for a stateless run", "Stateless runs", true],
  ["get", "/runs/{run_id}/stream", "Join a stateless run's stream", "Stateless runs"],
  ["post", "/runs/crons", "Create a cron: a run on a new thread per tick (schedule, timezone, on_run_completed, webhook)", "Crons", true],
  ["post", "/threads/{thread_id}/runs/crons", "Create a cron that runs on this thread each tick", "Crons", true],
  ["post", "/runs/crons/search", "Search crons", "Crons", true],
  ["post", "/runs/crons/count", "Count crons", "Crons", true],
  ["patch", "/runs/crons/{cron_id}", "Update a cron (schedule, enabled, payload, …)", "Crons", true],
  ["delete", "/runs/crons/{cron_id}", "Delete a cron", "Crons"],
  ["get", "/runs/dead_letters", "Runs given up after too many takeovers (RUN_MAX_TAKEOVERS) or failures, with the reason", "Dead letters"],
  ["get", "/runs/dead_letters/{run_id}", "One dead-lettered run: its reason, takeovers and run", "Dead letters"],
  ["post", "/runs/dead_letters/{run_id}/retry", "Retry a dead-lettered run from its last checkpoint", "Dead letters"],
  ["delete", "/runs/dead_letters/{run_id}", "Discard a dead letter (the run stays error)", "Dead letters"],
  ["put", "/store/items", "Put an item", "Store", true],
  ["get", "/store/items", "Get an item (?namespace=a.b&key=k)", "Store"],
  ["delete", "/store/items", "Delete an item", "Store", true],
  ["post", "/store/items/search", "Search items", "Store", true],
  ["post", "/store/namespaces", "List namespaces", "Store", true],
  ["post", "/mcp", "Model Context Protocol (Streamable HTTP, stateless, JSON answers): every assistant as a tool; tools/list, tools/call (thread_id continues a thread, resume a paused run)", "MCP", true],
  ["get", "/mcp", "405: /mcp keeps no sessions and opens no server-to-client stream", "MCP"],
  ["delete", "/mcp", "405: /mcp keeps no sessions", "MCP"],
];

/** The OpenAPI 3.1 document. */
export function openApiDocument(version: string): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const [method, path, summary, tag, body] of ROUTES) {
    const parameters = [...path.matchAll(/\{(\w+)\}/g)].map((match) => ({ name: match[1], in: "path", required: true, schema: { type: "string" } }));
    (paths[path] ??= {})[method] = {
      summary,
      tags: [tag],
      ...(parameters.length > 0 ? { parameters } : {}),
      ...(body ? { requestBody: { content: { "application/json": { schema: body === "array" ? { type: "array", items: { type: "object" } } : { type: "object" } } } } } : {}),
      responses: {
        "200": { description: "OK" },
        "4XX": { description: "Bad input, unknown id or conflict", content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } } },
        "503": { description: "Redis unavailable (Retry-After)" },
      },
    };
  }
  return {
    openapi: "3.1.0",
    info: { title: "Switchboard", version, description: "The LangGraph API on Redis, for @langchain/langgraph-sdk and LangGraph Studio." },
    components: {
      securitySchemes: { bearer: { type: "http", scheme: "bearer" }, apiKey: { type: "apiKey", in: "header", name: "x-api-key" } },
      schemas: { Error: { type: "object", required: ["error", "message"], properties: { error: { type: "string" }, message: { type: "string" } } } },
    },
    security: [{ bearer: [] }, { apiKey: [] }],
    paths,
  };
}

/** A self-contained docs page: lists the routes from /openapi.json and lets you try them. */
export const DOCS_HTML = `<!doctype html><html><head><meta charset="utf-8"><title>Switchboard API</title>
<style>body{font:14px system-ui;margin:2rem;max-width:70rem}details{border:1px solid #ddd;margin:.3rem 0;padding:.4rem;border-radius:4px}
summary{cursor:pointer}code{font-weight:600}.m{display:inline-block;width:4.5rem;text-transform:uppercase;font-weight:700}
textarea,input{width:100%;font:12px monospace}pre{background:#f6f6f6;padding:.5rem;overflow:auto;max-height:20rem}</style></head>
<body><h1>Switchboard API</h1><p>The LangGraph API. Raw document: <a href="openapi.json">/openapi.json</a>.
API key (sent as Bearer): <input id="key" placeholder="optional"></p><div id="routes"></div>
<script>
fetch("openapi.json").then(r=>r.json()).then(doc=>{const root=document.getElementById("routes");
for(const [path,ops] of Object.entries(doc.paths))for(const [method,op] of Object.entries(ops)){
const d=document.createElement("details");d.innerHTML='<summary><span class="m">'+method+'</span><code>'+path+'</code> — '+op.summary+'</summary>'+
'<label>Path</label><input value="'+path+'">'+(op.requestBody?'<label>JSON body</label><textarea rows="4">{}</textarea>':'')+'<button>Send</button><pre></pre>';
d.querySelector("button").onclick=async()=>{const url=d.querySelector("input").value;const ta=d.querySelector("textarea");
const headers={"content-type":"application/json"};const key=document.getElementById("key").value;if(key)headers.authorization="Bearer "+key;
const res=await fetch(url,{method:method.toUpperCase(),headers,body:ta?ta.value:undefined});d.querySelector("pre").textContent=res.status+"\\n"+await res.text();};
root.appendChild(d);}});
</script></body></html>`;
