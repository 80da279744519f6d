/**
 * A local OpenAI-compatible HTTP server for tests: the real `ChatOpenAI` / `OpenAIEmbeddings`
 * clients talk to it over HTTP. It answers `POST /v1/chat/completions` (plain and SSE streaming,
 * with streamed tool-call deltas and a usage chunk) and `POST /v1/embeddings`, from a queue of
 * scripted replies and/or a handler, and records every request so tests can assert what the
 * model saw.
 *
 *   const stub = await startOpenAIStub();
 *   stub.enqueue(reply.toolCall("calculator", { expression: "1/3+1/6" }), reply.text("1/2"));
 *   const model = new ChatOpenAI({ apiKey: "test", configuration: { baseURL: stub.url } });
 *   ...
 *   await stub.close();
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import {
  argumentsText,
  deterministicEmbedding,
  embeddingToBase64,
  estimateTokens,
  type StubReply,
} from "./openai-stub-replies.js";

export * from "./openai-stub-replies.js";

/** One request the stub received, body parsed as JSON. */
export interface RecordedRequest {
  method: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
}

/** Decides the reply to a request; return `undefined` to fall through to the default reply. */
export type StubHandler = (request: RecordedRequest) => StubReply | undefined | Promise<StubReply | undefined>;

/** A running stub server. */
export interface OpenAIStub {
  /** Base URL for the client, e.g. `http://127.0.0.1:43121/v1`. */
  readonly url: string;
  /** Every request received, in order. */
  readonly requests: RecordedRequest[];
  /** The chat completion requests only. */
  readonly chatRequests: RecordedRequest[];
  /** Chat requests that found no scripted reply and got the default text. */
  readonly unscriptedCount: number;
  /** Appends scripted chat replies, consumed one per chat request before the handler is asked. */
  enqueue(...replies: StubReply[]): void;
  /** Sets the handler consulted when the queue is empty. */
  onRequest(handler: StubHandler | undefined): void;
  /** Scripted replies not consumed yet. */
  pending(): number;
  /** Stops the server, dropping open connections and pending delays. */
  close(): Promise<void>;
}

/** Options of the stub. */
export interface OpenAIStubOptions {
  /** Reply when neither the queue nor the handler has one (default: a short text). */
  defaultReply?: StubReply;
  /** Embedding size when the request does not ask for `dimensions` (default 64). */
  embeddingDimensions?: number;
  /** Wait before answering each embeddings request (ms), to make a long ingest in a test. */
  embeddingDelayMs?: number;
}

/** Starts the stub on 127.0.0.1 and a free port. */
export async function startOpenAIStub(options: OpenAIStubOptions = {}): Promise<OpenAIStub> {
  const queue: StubReply[] = [];
  const requests: RecordedRequest[] = [];
  const timers = new Set<NodeJS.Timeout>();
  let handler: StubHandler | undefined;
  let unscripted = 0;
  let callCounter = 0;
  const defaultReply = options.defaultReply ?? { content: "(openai-stub) no scripted reply" };

  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        timers.delete(timer);
        resolve();
      }, ms);
      timers.add(timer);
    });

  const chooseReply = async (request: RecordedRequest): Promise<StubReply> => {
    const scripted = queue.shift() ?? (await handler?.(request));
    if (scripted) return scripted;
    unscripted += 1;
    return defaultReply;
  };

  const server = createServer((req, res) => {
    void handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) sendJson(res, 500, { error: { message: String(error), type: "stub_error" } });
      else res.destroy();
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = await readBody(req);
    const request: RecordedRequest = {
      method: req.method ?? "GET",
      path: (req.url ?? "/").split("?")[0]!,
      headers: req.headers,
      body: raw ? JSON.parse(raw) : undefined,
    };
    requests.push(request);
    if (request.method === "POST" && request.path.endsWith("/chat/completions")) {
      const scripted = await chooseReply(request);
      if (scripted.delayMs) await sleep(scripted.delayMs);
      if (res.destroyed) return;
      return answerChat(request, scripted, res);
    }
    if (request.method === "POST" && request.path.endsWith("/embeddings")) {
      if (options.embeddingDelayMs) await sleep(options.embeddingDelayMs);
      if (res.destroyed) return;
      return answerEmbeddings(request, res);
    }
    sendJson(res, 404, { error: { message: `openai-stub: no route ${request.method} ${request.path}`, type: "not_found" } });
  }

  async function answerChat(request: RecordedRequest, scripted: StubReply, res: ServerResponse): Promise<void> {
    if (scripted.status && scripted.status >= 400) {
      const headers: Record<string, string> =
        scripted.retryAfterSeconds !== undefined ? { "retry-after": String(scripted.retryAfterSeconds) } : {};
      sendJson(
        res,
        scripted.status,
        { error: { message: scripted.errorMessage ?? `openai-stub scripted HTTP ${scripted.status}`, type: "stub_error" } },
        headers,
      );
      return;
    }
    if (scripted.disconnectAfterChunks !== undefined && !request.body?.stream) {
      res.socket?.destroy();
      return;
    }
    const toolCalls = (scripted.toolCalls ?? []).map((call) => ({
      id: call.id ?? `call_${++callCounter}`,
      type: "function" as const,
      function: { name: call.name, arguments: argumentsText(call.args) },
    }));
    const content = scripted.content ?? (toolCalls.length > 0 ? null : "");
    const promptTokens = scripted.usage?.prompt_tokens ?? estimateTokens(JSON.stringify(request.body?.messages ?? []));
    const completionTokens =
      scripted.usage?.completion_tokens ?? estimateTokens((content ?? "") + toolCalls.map((c) => c.function.arguments).join(""));
    const usage = { prompt_tokens: promptTokens, completion_tokens: completionTokens, total_tokens: promptTokens + completionTokens };
    const finishReason = scripted.finishReason ?? (toolCalls.length > 0 ? "tool_calls" : "stop");
    const base = { id: `chatcmpl-stub-${requests.length}`, created: Math.floor(Date.now() / 1000), model: request.body?.model ?? "stub" };

    if (!request.body?.stream) {
      const message = { role: "assistant", content, ...(toolCalls.length > 0 ? { tool_calls: toolCalls } : {}) };
      sendJson(res, 200, { ...base, object: "chat.completion", choices: [{ index: 0, message, finish_reason: finishReason, logprobs: null }], usage });
      return;
    }

    const chunk = (choices: unknown[], extra: Record<string, unknown> = {}) => ({ ...base, object: "chat.completion.chunk", choices, ...extra });
    const delta = (d: Record<string, unknown>, finish: string | null = null) => chunk([{ index: 0, delta: d, finish_reason: finish, logprobs: null }]);
    const chunks: unknown[] = [delta({ role: "assistant", content: "" })];
    for (const piece of splitText(content ?? "")) chunks.push(delta({ content: piece }));
    toolCalls.forEach((call, index) => {
      chunks.push(delta({ tool_calls: [{ index, id: call.id, type: "function", function: { name: call.function.name, arguments: "" } }] }));
      for (const piece of splitText(call.function.arguments)) chunks.push(delta({ tool_calls: [{ index, function: { arguments: piece } }] }));
    });
    chunks.push(delta({}, finishReason));
    if (request.body?.stream_options?.include_usage) chunks.push(chunk([], { usage }));

    res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache", connection: "keep-alive" });
    res.flushHeaders();
    for (const [index, payload] of chunks.entries()) {
      if (scripted.disconnectAfterChunks !== undefined && index >= scripted.disconnectAfterChunks) {
        // Only after what was written reached the socket: the client really got part of the stream.
        await new Promise<void>((resolve) => res.write("", () => resolve()));
        res.socket?.destroy();
        return;
      }
      res.write(`data: ${JSON.stringify(payload)}\n\n`);
    }
    res.end("data: [DONE]\n\n");
  }

  function answerEmbeddings(request: RecordedRequest, res: ServerResponse): void {
    const input: unknown = request.body?.input;
    const texts = (Array.isArray(input) ? input : [input]).map((item) => (typeof item === "string" ? item : JSON.stringify(item)));
    const dimensions: number = request.body?.dimensions ?? options.embeddingDimensions ?? 64;
    const base64 = request.body?.encoding_format === "base64";
    const data = texts.map((text, index) => {
      const vector = deterministicEmbedding(text, dimensions);
      return { object: "embedding", index, embedding: base64 ? embeddingToBase64(vector) : vector };
    });
    const tokens = texts.reduce((sum, text) => sum + estimateTokens(text), 0);
    sendJson(res, 200, { object: "list", data, model: request.body?.model ?? "stub-embedding", usage: { prompt_tokens: tokens, total_tokens: tokens } });
  }

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}/v1`,
    requests,
    get chatRequests() {
      return requests.filter((request) => request.path.endsWith("/chat/completions"));
    },
    get unscriptedCount() {
      return unscripted;
    },
    enqueue: (...replies) => void queue.push(...replies),
    onRequest: (next) => void (handler = next),
    pending: () => queue.length,
    close: async () => {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    req.on("data", (part: Buffer) => parts.push(part));
    req.on("end", () => resolve(Buffer.concat(parts).toString("utf8")));
    req.on("error", reject);
  });
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text), ...headers });
  res.end(text);
}

/** Splits text into up to three pieces so streamed deltas really arrive in parts. */
function splitText(text: string): string[] {
  if (text.length === 0) return [];
  const size = Math.max(1, Math.ceil(text.length / 3));
  const pieces: string[] = [];
  for (let start = 0; start < text.length; start += size) pieces.push(text.slice(start, start + size));
  return pieces;
}
