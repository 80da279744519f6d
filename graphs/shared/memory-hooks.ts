/**
 * Seams for long-term memory. A graph calls `recall` when a run starts (the supervisor sees the
 * episodes in its prompt) and `record` when a run ends; the memory module implements both.
 */
import type { LangGraphRunnableConfig } from "@langchain/langgraph";
import type { RailEvent, TerminalState, Usage } from "../../agents/index.js";

/** A finished run, as episodic memory stores it. */
export interface Episode {
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
export interface EpisodicMemory {
  /** Past episodes relevant to `goal`, as short texts for the prompt (most relevant first). */
  recall?(goal: string, config: LangGraphRunnableConfig): Promise<string[]>;
  /** Stores the episode of a run that has ended. Failures are logged by the caller, never fatal. */
  record?(episode: Episode, config: LangGraphRunnableConfig): Promise<void>;
}
