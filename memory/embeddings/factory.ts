/**
 * Picks the embedding model for long-term memory: `OpenAIEmbeddings` on the configured
 * OpenAI-compatible endpoint when `OPENAI_EMBEDDINGS_MODEL` is set, otherwise the offline
 * HashedNgramEmbeddings, so memory works without any network or key.
 */
import type { Embeddings } from "@langchain/core/embeddings";
import { OpenAIEmbeddings } from "@langchain/openai";
import type { Env } from "../../lib/env.js";
import { ConfigError } from "../../lib/errors.js";
import { HashedNgramEmbeddings } from "./hashed-ngram.js";

/** An embedding model and what the store's index needs to know about it. */
export interface EmbeddingsChoice {
  embeddings: Embeddings;
  dims: number;
  /** Human-readable description, e.g. `openai:text-embedding-3-small (1536 dims)`. */
  description: string;
}

/** Native sizes of well-known OpenAI embedding models. */
const KNOWN_DIMS: Record<string, number> = {
  "text-embedding-3-small": 1536,
  "text-embedding-3-large": 3072,
  "text-embedding-ada-002": 1536,
};

/** Dims of the offline embedder. */
export const LOCAL_EMBEDDING_DIMS = 384;

/** Builds the embeddings the environment asks for. */
export function createEmbeddings(
  env: Partial<Pick<Env, "OPENAI_EMBEDDINGS_MODEL" | "OPENAI_EMBEDDINGS_DIMENSIONS" | "OPENAI_API_KEY" | "OPENAI_BASE_URL">>,
): EmbeddingsChoice {
  const model = env.OPENAI_EMBEDDINGS_MODEL;
  if (!model) {
    const embeddings = new HashedNgramEmbeddings({ dims: LOCAL_EMBEDDING_DIMS });
    return { embeddings, dims: LOCAL_EMBEDDING_DIMS, description: `offline ${embeddings.model} (lexical matching)` };
  }
  const shortenable = model.startsWith("text-embedding-3-");
  const dims = env.OPENAI_EMBEDDINGS_DIMENSIONS ?? KNOWN_DIMS[model];
  if (dims === undefined) {
    throw new ConfigError(`OPENAI_EMBEDDINGS_DIMENSIONS is required for embedding model '${model}': set it to the size of the vectors the model returns.`, {
      setting: "OPENAI_EMBEDDINGS_DIMENSIONS",
    });
  }
  if (!env.OPENAI_API_KEY && !env.OPENAI_BASE_URL) {
    throw new ConfigError(`OPENAI_EMBEDDINGS_MODEL is '${model}' but no endpoint is configured: set OPENAI_API_KEY (and OPENAI_BASE_URL for a non-OpenAI server).`, {
      setting: "OPENAI_EMBEDDINGS_MODEL",
    });
  }
  const embeddings = new OpenAIEmbeddings({
    model,
    // Local OpenAI-compatible servers often need no key, but the client insists on one.
    apiKey: env.OPENAI_API_KEY ?? "not-needed",
    encodingFormat: "float",
    maxRetries: 3,
    ...(shortenable && env.OPENAI_EMBEDDINGS_DIMENSIONS ? { dimensions: env.OPENAI_EMBEDDINGS_DIMENSIONS } : {}),
    ...(env.OPENAI_BASE_URL ? { configuration: { baseURL: env.OPENAI_BASE_URL } } : {}),
  });
  return { embeddings, dims, description: `openai:${model} (${dims} dims)` };
}

/**
 * The embedder a store's index names (`HashedNgramEmbeddings:hashed-ngram-v1-384`,
 * `OpenAIEmbeddings:<model>` on this environment's endpoint), or undefined when this process
 * cannot build it; lets a running process follow a re-embedding to a new model.
 */
export function embeddingsForIndex(env: Parameters<typeof createEmbeddings>[0], recorded: { dims: number; embedder: string }): Embeddings | undefined {
  const [kind, model] = recorded.embedder.split(/:(.*)/s);
  if (kind === "HashedNgramEmbeddings" && model === `hashed-ngram-v1-${recorded.dims}`) return new HashedNgramEmbeddings({ dims: recorded.dims });
  if (kind !== "OpenAIEmbeddings" || !model) return undefined;
  try {
    return createEmbeddings({ ...env, OPENAI_EMBEDDINGS_MODEL: model, OPENAI_EMBEDDINGS_DIMENSIONS: recorded.dims }).embeddings;
  } catch {
    // No endpoint configured for OpenAI-compatible embeddings: this process cannot follow.
    return undefined;
  }
}
