/**
 * A specialist as its nodes see it: the checked definition with its services, how it keeps its
 * context window, and its view of the rails.
 */
import type { BaseMessage } from "@langchain/core/messages";
import type { LangGraphRunnableConfig } from "@langchain/langgraph";
import type { SkillSource } from "../../lib/contracts/memory.js";
import type { RunLimits } from "../rails/budgets.js";
import { railsOf, type Rails, type RailView } from "../rails/run.js";
import type { ModelProvider } from "../models.js";
import type { AnyToolSpec, ToolExecutor } from "./tool-contract.js";

export type { SkillSource } from "../../lib/contracts/memory.js";

/** How an agent keeps its messages inside its context window. */
export interface ContextSettings {
  /** Compaction starts past this many (estimated) tokens. */
  maxTokens: number;
  /** Recent history kept verbatim after compaction (default: half of maxTokens). */
  keepRecentTokens?: number;
  /** `trim` folds old turns into an extractive digest; `summarize` has the agent's model write the summary. */
  strategy?: "trim" | "summarize";
}

/** Keeps messages inside a window (memory/context.ts `compactContext` has this shape). */
export type ContextManager = (
  messages: BaseMessage[],
  policy: ContextSettings & { summarizer?: (dropped: BaseMessage[], previous: string | undefined) => Promise<string> },
) => Promise<{ messages: BaseMessage[]; compacted: boolean; removed: number; tokensBefore: number; tokensAfter: number }>;

/** A checked specialist definition with its services, as the nodes use it. */
export interface ResolvedSpecialist {
  name: string;
  description: string;
  prompt: string;
  /** The agent's tools, resolved on first use (the catalog may read the environment). */
  tools: () => readonly AnyToolSpec[];
  maxIterations: number;
  context: ContextSettings;
  models: ModelProvider;
  executor: ToolExecutor;
  graphId: string;
  contextManager: ContextManager | undefined;
  defaultLimits: (() => RunLimits) | undefined;
  skills: SkillSource | undefined;
}

/** The rails of one of the specialist's steps. */
export function specialistRails(spec: ResolvedSpecialist, view: RailView, config: LangGraphRunnableConfig): Rails {
  return railsOf(view, config, { agent: spec.name, defaultLimits: spec.defaultLimits?.() });
}
