/**
 * How a run ends as the API reports it, and what it leaves in the thread's checkpoints.
 *
 * Graphs with Switchboard's rails (a `status` channel naming a terminal state, `statusReason`,
 * `railEvents`) end in a named state; the run's API status agrees with it: `failed` → `error`
 * (with an `error` event giving the reason), `cancelled` → `interrupted`; `completed`,
 * `rejected`, `budget_exceeded` and `loop_detected` are runs that ended as designed → `success`
 * (the state names which). A run cancelled through the API records `cancelled` in that state.
 * Every checkpoint a run writes carries the run's metadata, so history can be filtered by it.
 */
import { LeaseLostError, UpstreamUnavailableError } from "../../lib/errors.js";
import type { Logger } from "../../lib/logger.js";
import type { RunJobContext, RunStatus } from "../../lib/contracts/execution.js";
import type { RunRecord, ThreadStatus } from "../records/types.js";
import type { ServableGraph } from "../graphs/registry.js";
import { serializeError } from "../api/runs/serialize.js";

/** Where a run is heading, decided as it ends. */
export interface Outcome {
  status: RunStatus;
  threadStatus: ThreadStatus;
  rollback: boolean;
  handBack: boolean;
}

interface RailState {
  status: string | null;
  statusReason?: string | null;
}

/** The rails' terminal state in a graph's values, when the graph has Switchboard's rail channels. */
function railState(values: unknown): RailState | undefined {
  const candidate = values as { status?: unknown; statusReason?: unknown; railEvents?: unknown } | null | undefined;
  if (!candidate || typeof candidate !== "object" || !Array.isArray(candidate.railEvents) || !("statusReason" in candidate)) return undefined;
  return { status: typeof candidate.status === "string" ? candidate.status : null, statusReason: typeof candidate.statusReason === "string" ? candidate.statusReason : null };
}

/** After a run that returned normally: a `failed` or `cancelled` terminal state becomes the run's status. */
export function applyTerminalState(values: unknown, outcome: Outcome, emit: (event: string, data: unknown) => void): void {
  const rails = railState(values);
  if (rails?.status === "failed") {
    outcome.status = "error";
    outcome.threadStatus = "error";
    emit("error", { error: "RunFailed", message: rails.statusReason || "The run failed." });
  } else if (rails?.status === "cancelled") {
    outcome.status = "interrupted";
  }
}

/** After a run that threw: cancelled, handed back (shutdown, lease lost, Redis away) or failed. */
export function classifyFailure(run: RunRecord, context: RunJobContext, error: unknown, outcome: Outcome, paused: boolean, emit: (event: string, data: unknown) => void, logger: Logger): void {
  const reason = run.cancel ? { kind: "cancel" as const, action: run.cancel } : context.abortReason();
  if (reason?.kind === "cancel") {
    outcome.status = "interrupted";
    outcome.rollback = reason.action === "rollback";
    outcome.threadStatus = paused ? "interrupted" : "idle";
  } else if (reason?.kind === "shutdown" || error instanceof LeaseLostError || (error instanceof UpstreamUnavailableError && error.upstream === "redis")) {
    // Shutting down, another worker took the run over (this one lost its lease), or Redis went
    // away mid-run: write nothing more; the queue retries the run from its last checkpoint.
    outcome.handBack = true;
    outcome.status = "pending";
  } else {
    outcome.status = "error";
    outcome.threadStatus = "error";
    emit("error", serializeError(error));
    logger.warn({ err: error, runId: run.run_id, threadId: run.thread_id }, "run failed");
  }
}

/**
 * Records `cancelled` in the thread's state after a run cancelled through the API (a graph with
 * rails only), and returns the values to keep; the run's last values when it cannot.
 */
export async function recordCancellation(graph: ServableGraph, threadId: string, lastValues: unknown, logger: Logger): Promise<unknown> {
  if (!railState(lastValues)) return lastValues;
  const config = { configurable: { thread_id: threadId, checkpoint_ns: "" } };
  try {
    await graph.updateState(config, { status: "cancelled", statusReason: "The run was cancelled." });
    return (await graph.getState(config)).values;
  } catch (error) {
    logger.warn({ err: error, threadId }, "could not record the cancellation in the thread's state");
    return lastValues;
  }
}

/** The run's metadata as its checkpoints carry it: the caller's metadata, the scalar configurable keys, the run. */
export function runCheckpointMetadata(run: RunRecord, attempt: number): Record<string, unknown> {
  const config = run.kwargs.config as { configurable?: Record<string, unknown>; metadata?: Record<string, unknown> };
  const scalars = Object.entries(config.configurable ?? {}).filter(
    ([key, value]) => !key.startsWith("__") && !key.startsWith("checkpoint_") && ["string", "number", "boolean"].includes(typeof value),
  );
  return { ...Object.fromEntries(scalars), ...config.metadata, run_id: run.run_id, thread_id: run.thread_id, run_attempt: attempt + 1 };
}
