/**
 * What graphs, agents and tools ask of long-term memory, typed here so that memory/ implements
 * it without importing them and they use it without importing memory/.
 */
import type { RunnableConfig } from "@langchain/core/runnables";
import type { RailEvent, TerminalState, Usage } from "./run.js";

/** How an episode may end: a run's terminal state, or `interrupted` for a run left waiting. */
export const EPISODE_STATES = [
  "completed",
  "budget_exceeded",
  "loop_detected",
  "rejected",
  "failed",
  "cancelled",
  "interrupted",
] as const satisfies readonly (TerminalState | "interrupted")[];

/** A finished run as a graph hands it to episodic memory. */
export interface RunEpisode {
  graphId: string;
  goal: string;
  answer: string;
  status: TerminalState;
  statusReason: string | null;
  /** Who did what, in brief. */
  steps: { agent: string; task: string; result: string; status: string | null }[];
  usage: Usage;
  railEvents: RailEvent[];
}

/** Episodic memory as graphs use it. */
export interface EpisodicMemoryHooks {
  /** Past episodes relevant to `goal`, as short texts for the prompt (most relevant first). */
  recall?(goal: string, config: RunnableConfig): Promise<string[]>;
  /** Stores the episode of a run that has ended. Failures are logged by the caller, never fatal. */
  record?(episode: RunEpisode, config: RunnableConfig): Promise<void>;
}

/** Procedural memory as an agent sees it: the skills relevant to a task, as a prompt section ("" if none). */
export interface SkillSource {
  forTask(task: string, config: RunnableConfig): Promise<string>;
}

/** One passage found in the knowledge base, with where it came from. */
export interface KnowledgePassage {
  text: string;
  /** Where the passage comes from: a URL, a file, a memory id. */
  source: string;
  /** How to cite it in an answer, e.g. `[Annual report 2024, p. 3]`. */
  citation?: string;
  /** A URL or file link a user can open at the passage (a web page, `file://…#page=3`). */
  link?: string;
  /** Similarity, higher is closer. */
  score?: number;
}

/** What semantic memory implements for the `search_knowledge` tool. */
export interface KnowledgeRetriever {
  /** The `k` passages most relevant to `query` in `owner`'s knowledge. */
  search(query: string, options: { owner: string; k: number }): Promise<KnowledgePassage[]>;
}
