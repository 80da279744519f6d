/**
 * The deadline rail: `configurable.limits.maxDurationMs` (CLI `--max-duration`) bounds a run's
 * wall-clock time. The deadline is fixed by the run's start (`startedAt`) and handed to children
 * as an absolute time, so children share it instead of splitting it, parallel ones too; a child
 * never outlives its parent's deadline. It is checked before every model call and delegation (a
 * call in flight is not interrupted), and time spent paused for a human counts.
 */
import { z } from "zod";
import type { RunLimits } from "../../lib/contracts/run.js";
import { compactLimits, minOf, type Rail, type RailRun } from "./rail.js";

/** The run's deadline (epoch ms): the earlier of the one handed down and its own start plus maxDurationMs. */
export function deadlineOf(run: Pick<RailRun, "limits" | "startedAt">): number | undefined {
  const { maxDurationMs, deadline } = run.limits;
  const own = maxDurationMs !== undefined && run.startedAt !== null ? run.startedAt + maxDurationMs : undefined;
  return minOf(deadline, own);
}

/** The deadline rail. */
export const deadlineRail: Rail = {
  name: "deadline",
  settings: { maxDurationMs: z.number().int().positive() },
  check(run) {
    const deadline = deadlineOf(run);
    if (deadline === undefined) return undefined;
    const now = run.now();
    if (now < deadline) return undefined;
    const allowed = run.limits.maxDurationMs === undefined ? "" : ` (maxDurationMs ${run.limits.maxDurationMs})`;
    return { kind: "deadline_exceeded", reason: `The run's deadline ${new Date(deadline).toISOString()}${allowed} has passed, ${now - deadline} ms ago.` };
  },
  handDown(run) {
    const deadline = deadlineOf(run);
    return deadline === undefined ? {} : { deadline };
  },
  // Parallel children share the deadline: each gets all of it.
  split: (limits) => compactLimits({ maxDurationMs: limits.maxDurationMs, deadline: limits.deadline }),
  tighter: (a: RunLimits, b: RunLimits) => compactLimits({ maxDurationMs: minOf(a.maxDurationMs, b.maxDurationMs), deadline: minOf(a.deadline, b.deadline) }),
};
