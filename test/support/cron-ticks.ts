/**
 * Reading cron firings back from the runs they created (each run's metadata names its cron and
 * tick): used by the cron takeover test and bench/crons.ts.
 */
import type { Client } from "@langchain/langgraph-sdk";

/** The times (ms) of the ticks a thread-bound cron fired, one entry per run, in tick order. */
export async function firedTicks(client: Client, threadId: string): Promise<number[]> {
  const runs = await client.runs.list(threadId, { limit: 1000 });
  return runs
    .map((run) => String((run.metadata as { cron_tick?: string }).cron_tick ?? ""))
    .map((tick) => Number(/(\d+)$/.exec(tick)?.[1] ?? Number.NaN))
    .sort((a, b) => a - b);
}

/** Ticks fired more than once. */
export function duplicateTicks(ticks: number[]): number[] {
  return ticks.filter((tick, index) => index > 0 && ticks[index - 1] === tick);
}
