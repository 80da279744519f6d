/**
 * What the RedisStore's read and write paths share: the Redis commands, the key layout, the
 * mirrors, the embedding index and the TTL policy.
 */
import type { Logger } from "../../lib/logger.js";
import { ConfigError, SwitchboardError, UpstreamUnavailableError } from "../../lib/errors.js";
import type { StoreCommands } from "./commands.js";
import type { StoreKeys } from "./keys.js";
import type { MirrorCache } from "./mirror-cache.js";

/** Anything that embeds text like LangChain's `Embeddings`. */
export interface TextEmbedder {
  embedDocuments(texts: string[]): Promise<number[][]>;
  embedQuery(text: string): Promise<number[]>;
}

/** The vector index of a store: LangGraph's `IndexConfig` (`embed` is accepted as an alias). */
export interface StoreIndexConfig {
  /** Dimensions of every embedding. */
  dims: number;
  /** The embedding model. */
  embeddings?: TextEmbedder;
  /** Alias of `embeddings`, as the official Redis store names it. */
  embed?: TextEmbedder;
  /** Field paths embedded by default (`["$"]`: the whole value). */
  fields?: string[];
}

/** TTL policy, in minutes as the official Redis store counts. */
export interface StoreTtlConfig {
  /** TTL of items written without one; unset = keep forever. */
  defaultTTL?: number;
  /** Restart an item's TTL when a get or search returns it (default true). */
  refreshOnRead?: boolean;
}

/** The resolved index of a store. */
export interface ResolvedIndex {
  dims: number;
  embeddings: TextEmbedder;
  fields: string[];
}

/** State shared by the read and write paths. */
export interface StoreContext {
  commands: StoreCommands;
  keys: StoreKeys;
  mirrors: MirrorCache;
  index: ResolvedIndex | undefined;
  ttl: { defaultMs: number | undefined; refreshOnRead: boolean };
  logger: Logger;
}

/** Checks an index config and resolves its defaults. */
export function resolveIndex(config: StoreIndexConfig | undefined): ResolvedIndex | undefined {
  if (!config) return undefined;
  const embeddings = config.embeddings ?? config.embed;
  if (!embeddings) throw new ConfigError("The store index needs `embeddings` (a LangChain Embeddings instance).");
  if (!Number.isInteger(config.dims) || config.dims <= 0) {
    throw new ConfigError(`The store index needs a positive integer \`dims\`, got ${String(config.dims)}.`);
  }
  return { dims: config.dims, embeddings, fields: config.fields ?? ["$"] };
}

/** Converts a TTL in minutes to whole milliseconds; rejects nonsense. */
export function ttlToMs(minutes: number, what: string): number {
  if (typeof minutes !== "number" || !Number.isFinite(minutes) || minutes <= 0) {
    throw new ConfigError(`${what} must be a positive number of minutes, got ${String(minutes)}.`);
  }
  return Math.max(1, Math.round(minutes * 60_000));
}

/** Embeds texts, checking the model's answer against the index. */
export async function embedTexts(index: ResolvedIndex, texts: string[], operation: string): Promise<number[][]> {
  let vectors: number[][];
  try {
    vectors = await index.embeddings.embedDocuments(texts);
  } catch (error) {
    throw embeddingFailure(error, operation);
  }
  if (vectors.length !== texts.length) {
    throw new UpstreamUnavailableError("embeddings", operation, `The embedding model returned ${vectors.length} vectors for ${texts.length} texts.`);
  }
  for (const vector of vectors) checkDims(index, vector);
  return vectors;
}

/** Embeds a search query. */
export async function embedQuery(index: ResolvedIndex, text: string, operation: string): Promise<number[]> {
  let vector: number[];
  try {
    vector = await index.embeddings.embedQuery(text);
  } catch (error) {
    throw embeddingFailure(error, operation);
  }
  checkDims(index, vector);
  return vector;
}

function checkDims(index: ResolvedIndex, vector: number[]): void {
  if (!Array.isArray(vector) || vector.length !== index.dims) {
    throw new ConfigError(
      `The embedding model returned ${Array.isArray(vector) ? vector.length : "no"}-dim vectors but the store index expects ${index.dims}; set the index dims (OPENAI_EMBEDDINGS_DIMENSIONS) to match the model.`,
      { setting: "OPENAI_EMBEDDINGS_DIMENSIONS" },
    );
  }
}

function embeddingFailure(error: unknown, operation: string): Error {
  if (error instanceof SwitchboardError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new UpstreamUnavailableError("embeddings", operation, `The embedding model failed during ${operation}: ${message}`, { cause: error });
}
