/**
 * Every rail, and the limits of a run composed from them: the tighter of two limit sets, what a
 * child may spend, a parallel child's share. Each rail answers for its own keys.
 */
import type { RunLimits } from "../../lib/contracts/run.js";
import { budgetRail } from "./budgets.js";
import { deadlineRail } from "./deadline.js";
import type { Rail, RailRun } from "./rail.js";

/** The rails, in the order they are checked. A new rail is a file in this folder and a line here. */
export const RAILS: readonly Rail[] = [budgetRail, deadlineRail];

function merge(parts: RunLimits[]): RunLimits {
  return parts.length === 1 ? parts[0]! : Object.assign({}, ...parts);
}

/** The tighter of two limit sets, key by key. */
export function tighterLimits(a: RunLimits, b: RunLimits): RunLimits {
  return merge(RAILS.map((rail) => rail.tighter(a, b)));
}

/** What a child may spend now: what the run has left, and one share of it per parallel child. */
export function handDownLimits(run: RailRun, parts = 1): RunLimits {
  const left = merge(RAILS.map((rail) => rail.handDown(run)));
  return parts <= 1 ? left : splitLimits(left, parts);
}

/** One share of `limits` for each of `parts` children running in parallel, so together they stay inside. */
export function splitLimits(limits: RunLimits, parts: number): RunLimits {
  if (parts <= 1) return limits;
  return merge(RAILS.map((rail) => rail.split(limits, parts)));
}
