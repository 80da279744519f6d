/**
 * Run bookkeeping shared by the orchestrating graphs: recognising a new run on a thread, the
 * work log, how a run's terminal state is decided, and its end through the rails (the answer as
 * the last message, the run stored as an episode).
 */
import { AIMessage, type BaseMessage } from "@langchain/core/messages";
import type { LangGraphRunnableConfig } from "@langchain/langgraph";
import { railEvent, stableKey, type RailEvent, type Rails, type RailStop, type RunEnding, type TerminalState } from "../../agents/index.js";
import { messageText } from "../../lib/tokens.js";
import type { EpisodicMemoryHooks, RunEpisode } from "../../lib/contracts/memory.js";
import { PAST_RUNS_HEADING } from "../../memory/index.js";

/** One piece of delegated work: who did what, and what came back. */
export interface WorkRecord {
  agent: string;
  task: string;
  result: string;
  status: TerminalState | null;
  /** Identifies the result's content, so a repeated result is recognised as no progress. */
  resultKey: string;
}

/** A work record for a result. */
export function workRecord(agent: string, task: string, result: string, status: TerminalState | null): WorkRecord {
  return { agent, task, result, status, resultKey: stableKey(result.trim().toLowerCase()) };
}

/** The text of the last message when it is a human one (a new goal), else undefined. */
export function pendingGoal(messages: readonly BaseMessage[]): string | undefined {
  const last = messages.at(-1);
  return last?.getType() === "human" ? messageText(last).trim() : undefined;
}

/** Whether the graph starts a new run now: a human message arrived after the last run ended, or nothing ran yet. */
export function isNewRun(state: { status: TerminalState | null; goal: string; messages: readonly BaseMessage[] }): boolean {
  const goal = pendingGoal(state.messages);
  if (goal === undefined) return false;
  return state.status !== null || state.goal === "";
}

/** The work log as a list for prompts and partial answers. */
export function describeWork(records: readonly WorkRecord[], maxResultChars = 2_000): string {
  if (records.length === 0) return "(none yet)";
  return records
    .map((record) => {
      const result = record.result.length > maxResultChars ? `${record.result.slice(0, maxResultChars)}… [cut]` : record.result;
      return `- [${record.agent}] (${record.status ?? "unfinished"}) Task: ${oneLine(record.task, 300)}\n  Result: ${result}`;
    })
    .join("\n");
}

/** The answer of a run stopped before it could finish: the reason and what was found so far. */
export function partialAnswer(reason: string, records: readonly WorkRecord[]): string {
  const found = records.filter((record) => record.result.trim() !== "");
  return found.length === 0
    ? `Stopped before finishing: ${reason}`
    : `Stopped before finishing: ${reason}\nResults so far:\n${describeWork(found, 1_000)}`;
}

/** The answer of a run the rails stopped: why, and what was found so far. */
export function stopAnswer(stop: RailStop, records: readonly WorkRecord[]): string {
  return partialAnswer(stop.status === "cancelled" ? "the run was cancelled." : stop.reason, records);
}

/**
 * `rejected` when a human rejected an action and the run finished without it being done
 * another way (no later completed work by the same agent); otherwise `completed`.
 */
export function completionState(records: readonly WorkRecord[]): { status: TerminalState; reason: string } {
  const open = new Set<string>();
  for (const record of records) {
    if (record.status === "rejected") open.add(record.agent);
    else if (record.status === "completed") open.delete(record.agent);
  }
  if (open.size > 0) return { status: "rejected", reason: `A human rejected an action of ${[...open].join(", ")}; the run finished without it.` };
  return { status: "completed", reason: "The goal was answered." };
}

/** What an orchestrator's run was about, for its episode. */
export interface RunRecord {
  memory: EpisodicMemoryHooks;
  goal: string;
  work: readonly WorkRecord[];
}

/**
 * Ends an orchestrator's run through the rails: the answer becomes the last message (named after
 * the graph) and the run's summary is stored as an episode.
 */
export function endWithAnswer<U extends { messages?: unknown }>(
  rails: Rails,
  update: U,
  ending: Omit<RunEnding, "record">,
  run: RunRecord,
  config: LangGraphRunnableConfig,
): Promise<U> {
  const messages = [...((update.messages as BaseMessage[] | undefined) ?? []), new AIMessage({ content: ending.result, name: rails.agent })];
  return rails.end({ ...update, messages }, {
    ...ending,
    record: (summary) =>
      recordEpisode(
        run.memory,
        {
          graphId: summary.agent,
          goal: run.goal,
          answer: summary.result,
          status: summary.status,
          statusReason: summary.statusReason,
          steps: run.work.map((record) => ({ agent: record.agent, task: record.task, result: oneLine(record.result, 500), status: record.status })),
          usage: summary.usage,
          railEvents: summary.railEvents,
        },
        config,
      ),
  });
}

/** Stores the episode of an ended run; a failing memory never fails the run (it becomes a rail event). */
export async function recordEpisode(memory: EpisodicMemoryHooks, episode: RunEpisode, config: LangGraphRunnableConfig): Promise<RailEvent[]> {
  if (!memory.record) return [];
  try {
    await memory.record(episode, config);
    return [];
  } catch (error) {
    return [railEvent("memory_error", episode.graphId, `could not store the episode: ${(error as Error).message}`)];
  }
}

/** Recalls episodes for a goal; a failing memory becomes a rail event and no episodes. */
export async function recallEpisodes(memory: EpisodicMemoryHooks, who: string, goal: string, config: LangGraphRunnableConfig): Promise<{ recalled: string[]; events: RailEvent[] }> {
  if (!memory.recall) return { recalled: [], events: [] };
  try {
    return { recalled: (await memory.recall(goal, config)).slice(0, 5), events: [] };
  } catch (error) {
    return { recalled: [], events: [railEvent("memory_error", who, `could not recall episodes: ${(error as Error).message}`)] };
  }
}

/**
 * The recalled-runs section of a prompt: bounded lines under a heading that frames them as data
 * recorded by the system, not instructions (memory's recall gives facts, never a run's text;
 * the frame and the bounds also hold for a custom recall hook).
 */
export function pastRunsSection(recalled: readonly string[]): string | null {
  if (recalled.length === 0) return null;
  return `${PAST_RUNS_HEADING}\n${recalled.slice(0, 5).map((line) => `- past run: ${oneLine(line, 300)}`).join("\n")}`;
}

/** Collapses whitespace and clips. */
export function oneLine(text: string, max: number): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length <= max ? flat : `${flat.slice(0, max)}…`;
}
