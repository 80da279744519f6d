/**
 * Trace assertions shared by the tracing tests: the LangSmith tree of one trace as the local
 * trace shows it (plumbing folded away, children re-parented), and structural checks.
 */
import { expect } from "vitest";
import { isPlumbingRun } from "../../tracing/index.js";
import { flattenSteps, type RunTrace } from "../../tracing/trace.js";
import type { ReceivedRun } from "./langsmith-stub.js";

/** One step as both trees name it. */
export interface StepKey {
  id: string;
  name: string;
  runType: string;
  parentId: string | null;
}

/** The runs of one trace (root id), depth first in start order. */
export function langsmithTrace(runs: Map<string, ReceivedRun>, rootId: string): ReceivedRun[] {
  return [...runs.values()].filter((run) => run.trace_id === rootId).sort((a, b) => String(a.dotted_order).localeCompare(String(b.dotted_order)));
}

/** The LangSmith tree of `rootId` with plumbing runs folded away, as step keys. */
export function foldedLangSmithSteps(runs: Map<string, ReceivedRun>, rootId: string): StepKey[] {
  const trace = langsmithTrace(runs, rootId);
  const byId = new Map(trace.map((run) => [run.id, run]));
  const visibleParent = (run: ReceivedRun): string | null => {
    let parentId = run.parent_run_id ?? null;
    while (parentId) {
      const parent = byId.get(parentId);
      expect(parent, `parent ${parentId} of ${run.name} reached LangSmith`).toBeDefined();
      if (!parent!.parent_run_id || !isPlumbingRun(parent!)) return parentId;
      parentId = parent!.parent_run_id ?? null;
    }
    return null;
  };
  return trace
    .filter((run) => run.id === rootId || !isPlumbingRun(run))
    .map((run) => ({ id: run.id, name: run.name, runType: run.run_type, parentId: run.id === rootId ? null : visibleParent(run) }));
}

/** The local trace's steps as keys, depth first. */
export function localSteps(trace: RunTrace): StepKey[] {
  return flattenSteps(trace.root).map((step) => ({ id: step.id, name: step.name, runType: step.runType, parentId: step.parentId }));
}

/** Every run of the trace was created and ended, and each parent is in the trace. */
export function expectCompleteTrace(runs: Map<string, ReceivedRun>, rootId: string): void {
  const trace = langsmithTrace(runs, rootId);
  expect(trace.length).toBeGreaterThan(3);
  const ids = new Set(trace.map((run) => run.id));
  for (const run of trace) {
    expect(run.end_time, `${run.run_type} ${run.name} ended`).toBeDefined();
    if (run.id !== rootId) expect(ids.has(String(run.parent_run_id)), `parent of ${run.name}`).toBe(true);
  }
}
