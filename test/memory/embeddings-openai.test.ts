/**
 * The OpenAI embeddings path end to end: the real `OpenAIEmbeddings` client over HTTP to a tiny
 * local `/v1/embeddings` stub, feeding a RedisStore's vector search.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { connectRedis, type RedisConnection } from "../../lib/redis.js";
import { createEmbeddings } from "../../memory/embeddings/factory.js";
import { RedisStore } from "../../memory/redis-store/store.js";
import { deleteByPrefix, testRedisUrl, uniquePrefix } from "../support/redis.js";

const DIMS = 8;
const TOPICS = ["redis", "graph", "agent", "memory", "tool", "model", "server", "trace"];

/** One axis per topic word: the stub's vectors make similarity predictable. */
function topicVector(text: string): number[] {
  return TOPICS.map((topic) => (text.toLowerCase().includes(topic) ? 1 : 0));
}

describe("OpenAI-compatible embeddings", () => {
  let server: Server;
  let baseURL: string;
  const requests: { model: string; input: string[] }[] = [];
  let connection: RedisConnection;
  const keyPrefix = uniquePrefix("embeddings-openai");

  beforeAll(async () => {
    server = createServer((request, response) => {
      let body = "";
      request.on("data", (chunk) => (body += chunk));
      request.on("end", () => {
        const parsed = JSON.parse(body) as { model: string; input: string | string[] };
        const input = Array.isArray(parsed.input) ? parsed.input : [parsed.input];
        requests.push({ model: parsed.model, input });
        response.setHeader("content-type", "application/json");
        response.end(JSON.stringify({
          object: "list",
          model: parsed.model,
          data: input.map((text, index) => ({ object: "embedding", index, embedding: topicVector(text) })),
          usage: { prompt_tokens: input.length, total_tokens: input.length },
        }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    baseURL = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
    connection = await connectRedis({ url: testRedisUrl() });
  });
  afterAll(async () => {
    await deleteByPrefix(connection, keyPrefix);
    await connection.close();
    await new Promise((resolve) => server.close(resolve));
  });

  it("embeds through the configured endpoint and model, and the store ranks with those vectors", async () => {
    const choice = createEmbeddings({ OPENAI_EMBEDDINGS_MODEL: "stub-embed", OPENAI_EMBEDDINGS_DIMENSIONS: DIMS, OPENAI_BASE_URL: baseURL });
    expect(choice.dims).toBe(DIMS);
    const store = new RedisStore(connection, { keyPrefix, index: { dims: choice.dims, embeddings: choice.embeddings, fields: ["text"] } });
    await store.setup();
    await store.batch([
      { namespace: ["kb"], key: "a", value: { text: "Redis cluster memory" } },
      { namespace: ["kb"], key: "b", value: { text: "graph agent tool" } },
    ]);
    const results = await store.search(["kb"], { query: "agent tools in a graph" });
    expect(results.map((item) => item.key)).toEqual(["b", "a"]);
    expect(requests.every((request) => request.model === "stub-embed")).toBe(true);
    expect(requests.flatMap((request) => request.input)).toContain("agent tools in a graph");
  });
});
