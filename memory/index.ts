/**
 * Switchboard's memory module: checkpoint persistence (RedisSaver) and, as they land,
 * long-term memory and context management. Uses only lib/.
 */
export { RedisSaver, type RedisSaverOptions, type TTLConfig } from "./redis-saver/saver.js";
export { RedisStore, type RedisStoreConfig, type RedisPutOptions } from "./redis-store/store.js";
export type { StoreIndexConfig, StoreTtlConfig, TextEmbedder } from "./redis-store/context.js";
export { HashedNgramEmbeddings, type HashedNgramOptions } from "./embeddings/hashed-ngram.js";
export { createEmbeddings, LOCAL_EMBEDDING_DIMS, type EmbeddingsChoice } from "./embeddings/factory.js";
export { DEFAULT_OWNER, OwnerScopedStore, ownerLabel, ownerNamespace } from "./owners.js";
export { openLongTermMemory, openStore, type LongTermMemory } from "./long-term.js";
export { EpisodicMemory, episodesNamespace, type RecalledEpisode, type EpisodicMemoryOptions } from "./episodic/episodic-memory.js";
export { episodeFromMessages, episodeInputSchema, type Episode, type EpisodeInput } from "./episodic/episode.js";
export { formatEpisodesForPrompt } from "./episodic/prompt.js";
export { KnowledgeBase, knowledgeNamespace, type IngestFileResult } from "./semantic/knowledge-base.js";
export { ingestPaths, type IngestEvent, type IngestSummary } from "./semantic/ingest.js";
export { ProceduralMemory, SHARED_SKILLS_NAMESPACE, ownerSkillsNamespace, type RelevantSkill, type SkillAuthor } from "./procedural/procedural-memory.js";
export { checkSkill, formatSkillsForPrompt, parseSkillMarkdown, renderSkillMarkdown, skillSchema, type Skill } from "./procedural/skill.js";
export { createEpisodeHooks, describeEpisode, episodeFromGraphRun, ownerOfRun } from "./episodic/run-episodes.js";
export { createSkillSource } from "./procedural/skills-for-task.js";
export { createCheckpointer, type ConfiguredCheckpointer } from "./checkpointer.js";
export { compactContext, isContextSummary, validateContextPolicy, type CompactionResult, type ContextPolicy, type Summarizer } from "./context.js";
