/**
 * Switchboard's memory module, and its only door: checkpoints (RedisSaver, with its fencing
 * capability), the long-term store and memories, context compaction. Uses only lib/. Exports
 * what code outside memory/ uses; tests beside a file may reach inner modules.
 */
export { RedisSaver } from "./redis-saver/saver.js";
export { createCheckpointer, type ConfiguredCheckpointer } from "./checkpointer.js";
export { openLongTermMemory, openStore, type LongTermMemory } from "./long-term.js";
export { DEFAULT_OWNER, OwnerScopedStore, ownerLabel } from "./owners.js";
export { createEpisodeHooks } from "./episodic/run-episodes.js";
export { PAST_RUNS_HEADING } from "./episodic/prompt.js";
export { createSkillSource } from "./procedural/skills-for-task.js";
export { ProceduralMemory } from "./procedural/procedural-memory.js";
export { parseSkillMarkdown } from "./procedural/skill.js";
export { KnowledgeBase } from "./semantic/knowledge-base.js";
export { ingestPaths, type IngestEvent, type IngestSummary } from "./semantic/ingest.js";
export type { PageFetcher, WebPage } from "./semantic/web.js";
export { reembedMemory } from "./reembed.js";
export type { ReembedProgress } from "./redis-store/reembed.js";
export { compactContext } from "./context.js";
export { withCheckpointMetadata } from "./checkpoint-metadata.js";
