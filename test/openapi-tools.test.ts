/**
 * OpenAPI services as tool sources: a small service on loopback (allow-listed) with a GET, a POST
 * and an operation that needs a bearer token, its OpenAPI 3 document served beside it. The agent
 * calls them through the stub model (real ChatOpenAI client) and Switchboard's executor.
 */
import { HumanMessage, type AIMessage } from "@langchain/core/messages";
import { Command } from "@langchain/langgraph";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type IncomingMessage, type Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseEnv } from "../lib/env.js";
import { connectRedis, type RedisConnection } from "../lib/redis.js";
import { RedisSaver } from "../memory/index.js";
import { createToolCatalog, executeToolCalls, type ToolCatalog } from "../tools/index.js";
import { parseExternalToolsConfig } from "../tools/external/index.js";
import { createRunTracing, MemoryTraceStore } from "../tracing/index.js";
import { agentGraphOnStub, toolMessagesSent } from "./support/agent-on-stub.js";
import { reply, startOpenAIStub, type OpenAIStub } from "./support/openai-stub.js";
import { deleteByPrefix, keysUnder, testRedisUrl, uniquePrefix } from "./support/redis.js";

const TOKEN = "api-p21a-bearer-4b1d9e";

const DOCUMENT = {
  openapi: "3.0.3",
  info: { title: "Records", version: "1" },
  servers: [{ url: "/api" }],
  components: {
    securitySchemes: { bearerAuth: { type: "http", scheme: "bearer" } },
    schemas: { NewRecord: { type: "object", properties: { title: { type: "string", description: "the record's title" } }, required: ["title"] } },
  },
  paths: {
    "/records/{id}": {
      get: { operationId: "getRecord", summary: "Read one record", parameters: [{ name: "id", in: "path", required: true, schema: { type: "string" } }], responses: { 200: { description: "ok" } } },
    },
    "/records": {
      get: { operationId: "listRecords", summary: "List records", parameters: [{ name: "limit", in: "query", schema: { type: "integer" } }], responses: { 200: { description: "ok" } } },
      post: {
        operationId: "createRecord",
        summary: "Create a record",
        requestBody: { required: true, content: { "application/json": { schema: { $ref: "#/components/schemas/NewRecord" } } } },
        responses: { 201: { description: "created" } },
      },
    },
    "/report": { get: { operationId: "getReport", summary: "The private report", security: [{ bearerAuth: [] }], responses: { 200: { description: "ok" } } } },
  },
};

describe("OpenAPI services as tool sources", () => {
  let stub: OpenAIStub;
  let api: Server;
  let base: string;
  let catalog: ToolCatalog;
  let redis: RedisConnection;
  let saver: RedisSaver;
  const received: { method: string; url: string; auth?: string; idempotencyKey?: string; body: string }[] = [];
  const prefix = uniquePrefix("p21a-openapi");

  const catalogFor = (allowlist: string | undefined, more: Record<string, string> = {}) =>
    createToolCatalog({
      env: parseEnv({ ...(allowlist ? { TOOL_NET_ALLOWLIST: allowlist } : {}), ...more }),
      externalTools: {
        config: parseExternalToolsConfig({ openapi: { records: { spec: `${base}/openapi.json`, auth: { bearerAuth: "${P21A_API_TOKEN}" }, maxResponseChars: 200 } }, agents: { assistant: ["records.*"] } }, "test"),
        lookup: (name) => (name === "P21A_API_TOKEN" ? TOKEN : undefined),
      },
    });

  beforeAll(async () => {
    stub = await startOpenAIStub();
    api = createServer(async (req: IncomingMessage, res) => {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      const url = new URL(req.url ?? "/", "http://x");
      if (url.pathname === "/openapi.json") return void res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(DOCUMENT));
      received.push({ method: req.method!, url: req.url!, auth: req.headers.authorization, idempotencyKey: req.headers["idempotency-key"] as string | undefined, body: Buffer.concat(chunks).toString() });
      const json = (status: number, value: unknown) => void res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(value));
      if (url.pathname === "/api/report") return req.headers.authorization === `Bearer ${TOKEN}` ? json(200, { report: "all green" }) : json(401, { error: "no token" });
      if (url.pathname.startsWith("/api/records/")) return json(200, { id: url.pathname.split("/").at(-1), title: "First" });
      if (url.pathname === "/api/records" && req.method === "GET") return json(200, Array.from({ length: Number(url.searchParams.get("limit") ?? 50) }, (_, i) => ({ id: `r${i}`, title: `Record number ${i}` })));
      if (url.pathname === "/api/records" && req.method === "POST") return json(201, { id: "new1", ...JSON.parse(Buffer.concat(chunks).toString()) });
      json(404, { error: "no route" });
    });
    await new Promise<void>((resolve) => api.listen(0, "127.0.0.1", resolve));
    base = `http://127.0.0.1:${(api.address() as AddressInfo).port}`;
    catalog = catalogFor("127.0.0.1");
    await catalog.external!.start();
    redis = await connectRedis({ url: testRedisUrl(), name: "p21a-openapi" });
    saver = new RedisSaver(redis, { keyPrefix: prefix });
    await saver.setup();
  });
  afterAll(async () => {
    await catalog?.external?.close();
    await stub?.close();
    await new Promise((resolve) => api?.close(resolve));
    await deleteByPrefix(redis, prefix);
    await saver?.end();
  });

  const agentGraph = () => agentGraphOnStub(stub, catalog, saver);
  const toolMessages = (request: number) => toolMessagesSent(stub, request);

  it("turns each operation into a tool: schema from parameters and body, description from the summary, GET read-only", () => {
    const tools = Object.fromEntries(catalog.select([], "assistant").map((tool) => [tool.name, tool]));
    expect(Object.keys(tools).sort()).toEqual(["records__create_record", "records__get_record", "records__get_report", "records__list_records"]);
    expect(tools.records__get_record!.description).toContain("(API 'records', GET /records/{id}) Read one record");
    expect(tools.records__get_record!.sideEffect).toBe("read_only");
    expect(tools.records__create_record!.sideEffect).toBe("external_side_effect");
    expect(tools.records__create_record!.schema.safeParse({ body: { title: 7 } }).success).toBe(false);
    expect(tools.records__create_record!.schema.safeParse({ body: { title: "x" } }).success).toBe(true);
  });

  it("the agent reads with GET (the token only where the document asks for it), the POST waits for approval, and the token reaches no trace or checkpoint", async () => {
    stub.requests.length = 0;
    received.length = 0;
    stub.enqueue(
      reply.toolCalls({ name: "records__get_record", args: { id: "r7" }, id: "c1" }, { name: "records__get_report", args: {}, id: "c2" }, { name: "records__list_records", args: { limit: 40 }, id: "c3" }),
      reply.toolCall("records__create_record", { body: { title: "Quarterly" } }),
      reply.text("Created."),
    );
    const store = new MemoryTraceStore({ retentionHours: 1 });
    const threadId = `${prefix}run`;
    const tracing = createRunTracing({ env: parseEnv({}), traceStore: store, runId: crypto.randomUUID(), threadId, graphId: "agent", owner: "o1" });
    const graph = agentGraph();
    const config = { configurable: { thread_id: threadId }, ...tracing.config, runName: "agent" };
    const paused = (await graph.invoke({ messages: [new HumanMessage("Report and record.")] }, config)) as { __interrupt__?: { value: { tool: string } }[] };
    expect(paused.__interrupt__?.[0]?.value).toMatchObject({ type: "tool_approval", tool: "records__create_record", args: { body: { title: "Quarterly" } } });
    const answers = toolMessages(1);
    expect(answers[0]).toBe('HTTP 200\n{"id":"r7","title":"First"}');
    expect(answers[1]).toBe('HTTP 200\n{"report":"all green"}');
    expect(answers[2]).toMatch(/^HTTP 200\n\[\{"id":"r0".*\]\n\[showing \d+ of 40 items; ask for fewer/s);
    expect(received.filter((r) => r.method === "POST")).toHaveLength(0);
    expect(received.find((r) => r.url === "/api/report")!.auth).toBe(`Bearer ${TOKEN}`);
    expect(received.find((r) => r.url === "/api/records/r7")!.auth).toBeUndefined();

    const out = (await graph.invoke(new Command({ resume: { decision: "approve" } }), config)) as { status: string };
    expect(out.status).toBe("completed");
    const posts = received.filter((r) => r.method === "POST");
    expect(posts).toHaveLength(1);
    expect(JSON.parse(posts[0]!.body)).toEqual({ title: "Quarterly" });
    expect(posts[0]!.idempotencyKey).toMatch(/^sb-/);
    expect(toolMessages(2)).toContain('HTTP 201\n{"id":"new1","title":"Quarterly"}');

    const trace = await tracing.finish();
    expect(JSON.stringify(trace)).toContain("records__get_report");
    expect(JSON.stringify(trace)).not.toContain(TOKEN);
    const stored: string[] = [];
    for (const key of await keysUnder(redis, prefix)) if (String(await redis.type(key)) === "hash") stored.push(...Object.values(await redis.hGetAll(key)).map(String));
    expect(stored.join("\n")).toContain("all green");
    expect(stored.join("\n")).not.toContain(TOKEN);
  });

  it("applies TOOL_RATE_LIMITS and the run's tool-call budget to an operation like to a built-in tool", async () => {
    const limited = catalogFor("127.0.0.1", { TOOL_RATE_LIMITS: '{"records__get_record":{"capacity":1,"refillPerSecond":0.001}}' });
    try {
      await limited.external!.start();
      const ctx = { threadId: "t", runId: "r", graphId: "agent", agent: "assistant", toolCallsUsed: 0, toolCallBudget: 2 };
      const calls = ["a", "b", "c"].map((id) => ({ name: "records__get_record", args: { id }, id, type: "tool_call" }));
      const executed = await executeToolCalls({ tool_calls: calls } as unknown as AIMessage, limited.select([], "assistant"), ctx, limited.executorDeps);
      const answers = executed.messages.map((message) => String(message.content));
      expect(answers.filter((text) => text.startsWith("HTTP 200"))).toHaveLength(1);
      expect(answers.filter((text) => /records__get_record is rate limited/.test(text))).toHaveLength(1);
      expect(answers[2]).toMatch(/tool-call budget is exhausted/);
      expect(executed.railEvents.map((event) => event.kind).sort()).toEqual(["rate_limited", "tool_budget_exhausted"]);
    } finally {
      await limited.external!.close();
    }
  });

  it("refuses a private address that is not allow-listed, for the document and for calls, as tool errors", async () => {
    const dir = mkdtempSync(join(tmpdir(), "p21a-openapi-"));
    writeFileSync(join(dir, "records.json"), JSON.stringify(DOCUMENT));
    const fromUrl = catalogFor(undefined);
    const fromFile = createToolCatalog({
      env: parseEnv({}),
      externalTools: { config: parseExternalToolsConfig({ openapi: { records: { spec: "records.json", baseUrl: `${base}/api` } }, agents: { assistant: ["records.getRecord"] } }, "test", dir), lookup: () => undefined },
    });
    try {
      await Promise.all([fromUrl.external!.start(), fromFile.external!.start()]);
      expect(fromUrl.external!.problems().records).toMatch(/127\.0\.0\.1/);
      expect(fromUrl.select([], "assistant")).toEqual([]);
      const tools = fromFile.select([], "assistant");
      expect(tools.map((tool) => tool.name)).toEqual(["records__get_record"]);
      const ctx = { threadId: "t", runId: "r", graphId: "agent", agent: "assistant", toolCallsUsed: 0, toolCallBudget: 5 };
      const call = (args: unknown) => executeToolCalls({ tool_calls: [{ name: "records__get_record", args, id: "c", type: "tool_call" }] } as unknown as AIMessage, tools, ctx);
      expect((await call({ id: "r1" })).messages[0]!.content).toMatch(/^Error: records__get_record failed: .*127\.0\.0\.1/);
      expect((await call({ id: 5 })).messages[0]!.content).toMatch(/Invalid arguments for records__get_record: `id`/);
      expect(received.some((r) => r.url === "/api/records/r1")).toBe(false);
    } finally {
      await Promise.all([fromUrl.external!.close(), fromFile.external!.close()]);
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
