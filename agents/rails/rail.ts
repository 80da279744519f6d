/**
 * The contract of one rail: its settings in `configurable.limits`, when it trips, and how its
 * limits pass from a parent to its children. The rails unit runs every rail of `RAILS`
 * (limits.ts) the same way, so a new rail is one file implementing `Rail` plus its line there.
 */
import type { z } from "zod";
import type { RunLimits, Usage } from "../../lib/contracts/run.js";

/** What a rail sees of a run when it checks or hands down. */
export interface RailRun {
  /** The run's limits: what its caller handed down, within the run's settings. */
  readonly limits: RunLimits;
  /** What the run (and its children) spent. */
  readonly usage: Usage;
  /** When the run started (epoch ms, by the run's clock); null if no node has started it. */
  readonly startedAt: number | null;
  /** The run's clock in epoch ms (`configurable.clock` in tests, else `Date.now`). */
  readonly now: () => number;
}

/** A rail that tripped: the rail event's kind and why, in words a user and a model understand. */
export interface RailTrip {
  kind: string;
  reason: string;
}

/** One rail. Every limit key belongs to exactly one rail. */
export interface Rail {
  /** Names the rail in docs and errors. */
  readonly name: string;
  /** Its keys of `configurable.limits` with their zod schemas (each key optional). */
  readonly settings: z.ZodRawShape;
  /** The trip when the run may not go on; checked before every model call and delegation. */
  check(run: RailRun): RailTrip | undefined;
  /** Its keys of the limits a child gets now (never more than the run has left). */
  handDown(run: RailRun): RunLimits;
  /** Its keys of one share when `parts` children run in parallel. */
  split(limits: RunLimits, parts: number): RunLimits;
  /** Its keys of the tighter of two limit sets. */
  tighter(a: RunLimits, b: RunLimits): RunLimits;
}

/** The smaller of two optional numbers (undefined means unlimited). */
export function minOf(x: number | undefined, y: number | undefined): number | undefined {
  return x === undefined ? y : y === undefined ? x : Math.min(x, y);
}

/** Limits without the keys that are unset. */
export function compactLimits(limits: RunLimits): RunLimits {
  const out: RunLimits = {};
  for (const [key, value] of Object.entries(limits) as [keyof RunLimits, number | undefined][]) if (value !== undefined) out[key] = value;
  return out;
}
