/**
 * Switchboard's memory module: checkpoint persistence (RedisSaver) and, as they land,
 * long-term memory and context management. Uses only lib/.
 */
export { RedisSaver, type RedisSaverOptions, type TTLConfig } from "./redis-saver/saver.js";
export { RedisStore, type RedisStoreConfig, type RedisPutOptions } from "./redis-store/store.js";
export type { StoreIndexConfig, StoreTtlConfig, TextEmbedder } from "./redis-store/context.js";
export { HashedNgramEmbeddings, type HashedNgramOptions } from "./embeddings/hashed-ngram.js";
export { createEmbeddings, LOCAL_EMBEDDING_DIMS, type EmbeddingsChoice } from "./embeddings/factory.js";
