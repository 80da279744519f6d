/**
 * The graphs' episodic-memory hooks (`GraphDeps.memory`): `recall(goal, config)` gives the
 * supervisor bounded facts about the owner's most relevant past runs before it plans (never
 * their text: see prompt.ts), and
 * `record(episode, config)` stores a run's episode when it ends. The owner is the run's
 * `configurable.user_id` (as the tools layer resolves it), else `"default"`. The contract lives in
 * lib/contracts: memory/ does not import graphs/.
 */
import type { RunnableConfig } from "@langchain/core/runnables";
import { DEFAULT_OWNER } from "../owners.js";
import { EPISODE_STATES, type EpisodicMemoryHooks, type RunEpisode } from "../../lib/contracts/memory.js";
import type { EpisodeInput } from "./episode.js";
import type { EpisodicMemory } from "./episodic-memory.js";
import { describeEpisode } from "./prompt.js";

/** The owner of a run: `configurable.user_id`, else `configurable.owner`, else the default owner. */
export function ownerOfRun(config: RunnableConfig | undefined): string {
  const configurable = (config?.configurable ?? {}) as Record<string, unknown>;
  for (const candidate of [configurable.user_id, configurable.owner]) {
    if (typeof candidate === "string" && candidate.trim() !== "") return candidate;
  }
  return DEFAULT_OWNER;
}

/** Maps a graph's episode to what episodic memory stores (brief: the schema clips long texts). */
export function episodeFromGraphRun(run: RunEpisode, config?: RunnableConfig): EpisodeInput {
  const configurable = (config?.configurable ?? {}) as Record<string, unknown>;
  const status = (EPISODE_STATES as readonly string[]).includes(run.status) ? (run.status as EpisodeInput["terminalState"]) : "failed";
  const outcome = run.statusReason && status !== "completed" ? `${run.statusReason} ${run.answer}` : run.answer;
  const runId = (config as { runId?: unknown } | undefined)?.runId ?? configurable.run_id;
  return {
    goal: run.goal,
    outcome: outcome.trim(),
    terminalState: status,
    decisions: run.steps.map((step) => `${step.agent}: ${step.task}`.replace(/\s+/g, " ").slice(0, 300)).slice(-20),
    toolResults: [
      ...run.steps.map((step) => ({ tool: step.agent, summary: step.result.replace(/\s+/g, " ").slice(0, 300), ok: step.status !== "failed" && step.status !== "rejected" })),
      ...run.railEvents.filter((event) => event.tool).map((event) => ({ tool: event.tool!, summary: `${event.kind}: ${event.detail}`.slice(0, 300), ok: false })),
    ].slice(-20),
    tokens: { input: Math.max(0, Math.round(run.usage.inputTokens)), output: Math.max(0, Math.round(run.usage.outputTokens)) },
    graphId: run.graphId,
    ...(typeof runId === "string" && runId ? { runId } : {}),
    ...(typeof configurable.thread_id === "string" && configurable.thread_id ? { threadId: configurable.thread_id } : {}),
  };
}

/** Builds the graphs' episodic-memory hooks on an EpisodicMemory. */
export function createEpisodeHooks(episodes: EpisodicMemory, options: { k?: number; minScore?: number } = {}): Required<EpisodicMemoryHooks> {
  return {
    async recall(goal, config) {
      const recalled = await episodes.recall(ownerOfRun(config), goal, { k: options.k ?? 3, ...(options.minScore === undefined ? {} : { minScore: options.minScore }) });
      return recalled.map(describeEpisode);
    },
    async record(run, config) {
      await episodes.record(ownerOfRun(config), episodeFromGraphRun(run, config));
    },
  };
}
