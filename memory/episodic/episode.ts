/**
 * What an episode is: the memory of one finished run, kept brief (goal, outcome, how it ended, the
 * decisions and tool results that mattered, tokens spent), and how to build one from a run's
 * messages.
 */
import { AIMessage, ToolMessage, type BaseMessage } from "@langchain/core/messages";
import { z } from "zod";
import { EPISODE_STATES } from "../../lib/contracts/memory.js";


const brief = (max: number) => z.string().trim().transform((text) => (text.length > max ? `${text.slice(0, max - 1)}…` : text));

/** An episode as callers hand it in; long texts are shortened, not rejected. */
export const episodeInputSchema = z.object({
  goal: z.string().trim().min(1, "an episode needs the run's goal").pipe(brief(2_000)),
  outcome: brief(2_000).default(""),
  terminalState: z.enum(EPISODE_STATES),
  // Lists are clipped to their most recent entries rather than rejected: an episode is a summary.
  decisions: z.array(brief(300)).transform((list) => list.slice(-50)).default([]),
  toolResults: z
    .array(z.object({ tool: z.string().min(1), summary: brief(300), ok: z.boolean().default(true) }))
    .transform((list) => list.slice(-50))
    .default([]),
  tokens: z
    .object({ input: z.number().int().nonnegative().default(0), output: z.number().int().nonnegative().default(0) })
    .default({ input: 0, output: 0 }),
  runId: z.string().min(1).optional(),
  threadId: z.string().min(1).optional(),
  graphId: z.string().min(1).optional(),
  startedAt: z.string().datetime().optional(),
  endedAt: z.string().datetime().optional(),
});

/** An episode to record. */
export type EpisodeInput = z.input<typeof episodeInputSchema>;
/** An episode as stored. */
export type Episode = z.output<typeof episodeInputSchema> & { endedAt: string; tokens: { input: number; output: number; total: number } };

function text(content: unknown): string {
  if (typeof content === "string") return content;
  if (Array.isArray(content)) {
    return content.map((part) => (typeof part === "string" ? part : typeof part?.text === "string" ? part.text : "")).join(" ");
  }
  return "";
}

const oneLine = (value: string, max: number) => {
  const flat = value.replace(/\s+/g, " ").trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
};

/**
 * Builds an episode from a finished run's messages: tool calls the model chose become decisions,
 * tool replies become tool results (failed ones marked), token usage is summed from the models'
 * usage metadata, and the last model answer is the outcome unless one is given.
 */
export function episodeFromMessages(run: {
  goal: string;
  messages: readonly BaseMessage[];
  terminalState: (typeof EPISODE_STATES)[number];
  outcome?: string;
  decisions?: string[];
  runId?: string;
  threadId?: string;
  graphId?: string;
}): EpisodeInput {
  const decisions = [...(run.decisions ?? [])];
  const toolResults: { tool: string; summary: string; ok: boolean }[] = [];
  const tokens = { input: 0, output: 0 };
  let lastAnswer = "";
  for (const message of run.messages) {
    if (AIMessage.isInstance(message)) {
      tokens.input += message.usage_metadata?.input_tokens ?? 0;
      tokens.output += message.usage_metadata?.output_tokens ?? 0;
      for (const call of message.tool_calls ?? []) decisions.push(oneLine(`called ${call.name}(${JSON.stringify(call.args)})`, 200));
      if ((message.tool_calls ?? []).length === 0 && text(message.content).trim()) lastAnswer = text(message.content);
    } else if (ToolMessage.isInstance(message)) {
      toolResults.push({ tool: message.name ?? "tool", summary: oneLine(text(message.content), 200), ok: message.status !== "error" });
    }
  }
  return {
    goal: run.goal,
    outcome: run.outcome ?? oneLine(lastAnswer, 600),
    terminalState: run.terminalState,
    decisions: decisions.slice(-20),
    toolResults: toolResults.slice(-20),
    tokens,
    ...(run.runId ? { runId: run.runId } : {}),
    ...(run.threadId ? { threadId: run.threadId } : {}),
    ...(run.graphId ? { graphId: run.graphId } : {}),
  };
}
