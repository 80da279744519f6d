/**
 * Which graph a CLI thread runs. Every checkpoint the CLI writes carries the graph id
 * (`withCheckpointMetadata`), so `--thread t --resume` picks the thread's own graph in any
 * process, a mismatching `--graph` is refused, and an unknown thread is named as such instead of
 * failing deep inside LangGraph.
 */
import type { BaseCheckpointSaver } from "@langchain/langgraph-checkpoint";
import { InvalidInputError } from "../lib/errors.js";

/** What the CLI needs to know about a thread before it runs on it. */
export interface ThreadGraphChoice {
  /** The graph to run. */
  graphId: string;
  /** Whether the thread already has checkpoints. */
  known: boolean;
}

/** Where a thread's checkpoints live, as the messages describe it. */
export interface ThreadLookup {
  saver: BaseCheckpointSaver;
  durable: boolean;
  threadId: string;
}

/** The graph id the thread's latest checkpoint records, `null` when it records none, undefined when the thread has no checkpoint. */
export async function recordedGraphId(saver: BaseCheckpointSaver, threadId: string): Promise<string | null | undefined> {
  const tuple = await saver.getTuple({ configurable: { thread_id: threadId, checkpoint_ns: "" } });
  if (!tuple) return undefined;
  const graphId = (tuple.metadata as Record<string, unknown> | undefined)?.graph_id;
  return typeof graphId === "string" ? graphId : null;
}

/**
 * Picks the graph for a run on `lookup.threadId`: the one the thread ran (refusing a different
 * `--graph`), else the one asked for, else the default. Refuses `--resume` on a thread with
 * nothing recorded, saying why (a typo, or checkpoints that lived in another process's memory).
 */
export async function chooseThreadGraph(lookup: ThreadLookup, options: { graph: string | undefined; resume: boolean; defaultGraph: string }): Promise<ThreadGraphChoice> {
  const recorded = await recordedGraphId(lookup.saver, lookup.threadId);
  if (recorded === undefined) {
    if (options.resume) {
      throw new InvalidInputError(
        lookup.durable
          ? `Thread '${lookup.threadId}' has no run to resume: nothing is recorded for it in Redis. Check the thread id (each run prints it at the start), and the REDIS_URL and REDIS_KEY_PREFIX the run used.`
          : `Thread '${lookup.threadId}' has no run to resume here: without REDIS_URL, checkpoints live in memory and end with the process that ran them. Set REDIS_URL to resume runs from another process.`,
      );
    }
    return { graphId: options.graph ?? options.defaultGraph, known: false };
  }
  if (recorded && options.graph && options.graph !== recorded) {
    throw new InvalidInputError(
      `Thread '${lookup.threadId}' runs the '${recorded}' graph, not '${options.graph}': drop --graph (the thread's own graph is used) or pass --graph ${recorded}. Use a new --thread for another graph.`,
    );
  }
  return { graphId: recorded ?? options.graph ?? options.defaultGraph, known: true };
}
