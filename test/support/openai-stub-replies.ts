/**
 * Scripted replies for the OpenAI-compatible stub server, and the deterministic pieces it
 * answers with (token counts, embeddings). Kept apart from the HTTP plumbing in `openai-stub.ts`.
 */
import { createHash } from "node:crypto";

/** A tool call the stub's "model" makes; `args` as a string is sent verbatim (use it for invalid JSON). */
export interface StubToolCall {
  name: string;
  args: Record<string, unknown> | string;
  /** Defaults to `call_<n>`, unique per stub server. */
  id?: string;
}

/** Token counts reported on a reply; missing counts are estimated from the text (about 4 characters a token). */
export interface StubUsage {
  prompt_tokens?: number;
  completion_tokens?: number;
}

/** One scripted answer of the stub server to one request. */
export interface StubReply {
  /** Assistant text. */
  content?: string;
  /** Tool calls (several = parallel calls). */
  toolCalls?: StubToolCall[];
  /** Overrides the computed `usage`. */
  usage?: StubUsage;
  /** Answer with this HTTP error status (e.g. 429, 500, 503) instead of a completion. */
  status?: number;
  /** `Retry-After` header in seconds, sent with an error status. */
  retryAfterSeconds?: number;
  /** Error message sent with an error status. */
  errorMessage?: string;
  /** Wait this long before sending response headers (simulates a hung upstream). */
  delayMs?: number;
  /** Destroy the connection: at once for a non-streaming request, after this many SSE chunks when streaming. */
  disconnectAfterChunks?: number;
  /** Overrides the finish reason (`stop`, or `tool_calls` when there are tool calls). */
  finishReason?: string;
}

/** Builders for the common replies, so scripts read like the scenario they describe. */
export const reply = {
  /** A plain assistant answer. */
  text: (content: string, usage?: StubUsage): StubReply => ({ content, ...(usage ? { usage } : {}) }),
  /** One tool call. */
  toolCall: (name: string, args: Record<string, unknown> | string, id?: string): StubReply => ({
    toolCalls: [{ name, args, ...(id ? { id } : {}) }],
  }),
  /** Several tool calls in one message (parallel tool calls). */
  toolCalls: (...calls: StubToolCall[]): StubReply => ({ toolCalls: calls }),
  /** An HTTP error, e.g. `reply.error(429, { retryAfterSeconds: 2 })`. */
  error: (status: number, options: { retryAfterSeconds?: number; message?: string } = {}): StubReply => ({
    status,
    ...(options.retryAfterSeconds !== undefined ? { retryAfterSeconds: options.retryAfterSeconds } : {}),
    ...(options.message ? { errorMessage: options.message } : {}),
  }),
  /** Answers only after `delayMs` (longer than the client timeout to provoke one). */
  hang: (delayMs: number, then: StubReply = { content: "late" }): StubReply => ({ ...then, delayMs }),
  /** Drops the connection (after `afterChunks` SSE chunks when streaming). */
  disconnect: (afterChunks = 0, then: StubReply = { content: "cut off mid-sentence" }): StubReply => ({
    ...then,
    disconnectAfterChunks: afterChunks,
  }),
};

/** A rough, deterministic token estimate: about 4 characters a token, at least 1. */
export function estimateTokens(text: string): number {
  return Math.max(1, Math.ceil(text.length / 4));
}

/** Serializes tool-call arguments the way a model would (strings pass through untouched). */
export function argumentsText(args: StubToolCall["args"]): string {
  return typeof args === "string" ? args : JSON.stringify(args);
}

/**
 * A deterministic embedding: words hashed into `dimensions` buckets, L2-normalized. Texts
 * sharing words get similar vectors, so semantic-search tests rank sensibly without a model.
 */
export function deterministicEmbedding(text: string, dimensions: number): number[] {
  const vector = new Array<number>(dimensions).fill(0);
  const words = text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
  for (const word of words) {
    const digest = createHash("sha256").update(word).digest();
    const bucket = digest.readUInt32BE(0) % dimensions;
    vector[bucket]! += digest[4]! & 1 ? 1 : -1;
  }
  const norm = Math.hypot(...vector);
  if (norm === 0) {
    vector[0] = 1;
    return vector;
  }
  return vector.map((value) => value / norm);
}

/** Encodes an embedding as base64 little-endian float32, the `encoding_format: "base64"` wire form. */
export function embeddingToBase64(vector: number[]): string {
  return Buffer.from(new Float32Array(vector).buffer).toString("base64");
}
