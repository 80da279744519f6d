/**
 * Opens Switchboard's long-term memory from the environment: a RedisStore when Redis is
 * configured (single node or cluster), LangGraph's InMemoryStore in the embedded mode, both with
 * the configured embeddings, and the episodic, semantic and procedural memories on top.
 */
import { InMemoryStore, type BaseStore } from "@langchain/langgraph-checkpoint";
import type { Env } from "../lib/env.js";
import type { Logger } from "../lib/logger.js";
import { openRedis, type RedisConnection } from "../lib/redis.js";
import { createEmbeddings, embeddingsForIndex, type EmbeddingsChoice } from "./embeddings/factory.js";
import { EpisodicMemory } from "./episodic/episodic-memory.js";
import { ProceduralMemory } from "./procedural/procedural-memory.js";
import { RedisStore } from "./redis-store/store.js";
import { KnowledgeBase } from "./semantic/knowledge-base.js";

/** Long-term memory, opened once per process. */
export interface LongTermMemory {
  /** The LangGraph store (pass it to `compile({ store })` and the server's /store routes). */
  store: BaseStore;
  /** Whether memory survives the process (Redis) or not (embedded InMemoryStore). */
  durable: boolean;
  embeddings: EmbeddingsChoice;
  episodes: EpisodicMemory;
  knowledge: KnowledgeBase;
  skills: ProceduralMemory;
  /** Closes the Redis connection, if it opened one. */
  close(): Promise<void>;
}

/**
 * Builds a LangGraph store from the environment: RedisStore when Redis is configured (on
 * `options.redis`, the process's shared connection, which `close()` leaves open; else on a
 * connection of its own), InMemoryStore otherwise.
 */
export async function openStore(
  env: Pick<Env, "redis" | "REDIS_KEY_PREFIX"> & Parameters<typeof createEmbeddings>[0],
  options: { logger?: Logger; embeddings?: EmbeddingsChoice; redis?: RedisConnection } = {},
): Promise<{ store: BaseStore; durable: boolean; embeddings: EmbeddingsChoice; close(): Promise<void> }> {
  const embeddings = options.embeddings ?? createEmbeddings(env);
  const index = { dims: embeddings.dims, embeddings: embeddings.embeddings };
  const config = {
    index,
    keyPrefix: env.REDIS_KEY_PREFIX,
    // A running server follows `npm run ingest -- --reembed`: old vectors until the move is done, then the new ones.
    followIndex: { embedderFor: (recorded: { dims: number; embedder: string }) => embeddingsForIndex(env, recorded) },
    ...(options.logger ? { logger: options.logger } : {}),
  };
  const connection = options.redis ?? (await openRedis(env.redis, { name: "switchboard-store", ...(options.logger ? { logger: options.logger } : {}) }));
  if (!connection) return { store: new InMemoryStore({ index }), durable: false, embeddings, close: async () => undefined };
  const owned = !options.redis;
  const closeOwned = async () => void (owned && connection.isOpen ? await connection.close() : undefined);
  const store = new RedisStore(connection, config);
  try {
    await store.setup();
  } catch (error) {
    await closeOwned();
    throw error;
  }
  const close = async () => {
    await store.end();
    await closeOwned();
  };
  return { store, durable: true, embeddings, close };
}

/** Opens long-term memory on the store the environment names. */
export async function openLongTermMemory(
  env: Parameters<typeof openStore>[0],
  options: Parameters<typeof openStore>[1] & { episodeTtlMinutes?: number } = {},
): Promise<LongTermMemory> {
  const opened = await openStore(env, options);
  return {
    ...opened,
    episodes: new EpisodicMemory(opened.store, options.episodeTtlMinutes === undefined ? {} : { ttlMinutes: options.episodeTtlMinutes }),
    knowledge: new KnowledgeBase(opened.store),
    skills: new ProceduralMemory(opened.store),
  };
}
