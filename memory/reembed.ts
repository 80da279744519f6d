/**
 * `--reembed` for long-term memory: moves knowledge, episodes and skills to the embedding model
 * the environment names now, through the RedisStore's vector generations (redis-store/reembed.ts).
 * Threads and checkpoints are other keys and are not touched.
 */
import type { Env } from "../lib/env.js";
import { ConfigError } from "../lib/errors.js";
import { openRedis } from "../lib/redis.js";
import { createEmbeddings, type EmbeddingsChoice } from "./embeddings/factory.js";
import { reembedStore, type ReembedProgress, type ReembedResult } from "./redis-store/reembed.js";
import { describeEmbedder } from "./redis-store/store.js";

// The fields each memory embeds (what its writer passes as `index`); anything else was embedded whole.
const FIELDS_BY_LAST_LABEL: Record<string, string[]> = { knowledge: ["text"], episodes: ["goal"], skills: ["summary"] };

/** The field paths embedded for items of a namespace. */
export function embeddedFields(namespace: readonly string[]): string[] {
  return FIELDS_BY_LAST_LABEL[namespace.at(-1) ?? ""] ?? ["$"];
}

/** Re-embeds the store under REDIS_KEY_PREFIX with the configured embedding model. */
export async function reembedMemory(
  env: Pick<Env, "redis" | "REDIS_KEY_PREFIX"> & Parameters<typeof createEmbeddings>[0],
  options: { embeddings?: EmbeddingsChoice; pageSize?: number; onProgress?: (progress: ReembedProgress) => void } = {},
): Promise<ReembedResult & { description: string }> {
  const target = options.embeddings ?? createEmbeddings(env);
  const connection = await openRedis(env.redis, { name: "switchboard-reembed" });
  if (!connection) {
    throw new ConfigError("Re-embedding needs the Redis store: set REDIS_URL (or REDIS_CLUSTER_NODES); the embedded mode keeps no vectors between processes.", { setting: "REDIS_URL" });
  }
  try {
    const result = await reembedStore(connection, {
      keyPrefix: env.REDIS_KEY_PREFIX,
      embeddings: target.embeddings,
      dims: target.dims,
      embedder: describeEmbedder(target.embeddings),
      fieldsFor: embeddedFields,
      ...(options.pageSize ? { pageSize: options.pageSize } : {}),
      ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    });
    return { ...result, description: target.description };
  } finally {
    if (connection.isOpen) await connection.close();
  }
}
