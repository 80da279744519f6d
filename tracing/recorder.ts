/**
 * The local trace recorder: a LangChain callback handler (a lean run collector) that sees the
 * same runs LangSmith receives and, when the run's root ends, turns them into a step tree with tokens and cost,
 * redacted and bounded in size, and saves it in the trace store.
 */
import type { Logger } from "../lib/logger.js";
import { flattenSteps, type RunTrace, type TraceStep, type TraceStore } from "./trace.js";
import { costOfSteps } from "./cost.js";
import { stepsOfRun, type StepOptions } from "./steps.js";
import { RunCollector, type RecordedRun } from "./run-collector.js";

/** Who and what the recorded run is. */
export interface RecordedRunInfo {
  runId: string;
  threadId: string | null;
  graphId: string;
  owner: string;
}

/** Options of the recorder. */
export interface TraceRecorderOptions extends StepOptions {
  store: TraceStore;
  /** Largest serialized trace; past it the oldest prompts are dropped (the steps stay). */
  maxBytes: number;
  logger: Logger;
  /** Waits between background attempts to save a trace the store refused (default: 0.5 s growing to 60 s, about 4 minutes). */
  retryDelaysMs?: readonly number[];
}

const SAVE_RETRY_DELAYS_MS = [500, 1_000, 2_000, 4_000, 8_000, 15_000, 30_000, 60_000, 60_000, 60_000];

/** The terminal state a run's root shows: its `status`, else how it ended. */
export function terminalStateOf(outputs: Record<string, unknown> | undefined, error: string | undefined): string {
  const status = outputs?.status;
  if (typeof status === "string" && status) return status;
  if (error) return /abort|cancel/i.test(error) ? "cancelled" : "failed";
  return "interrupted";
}

/** Records one run's step tree in the trace store when its root run ends. */
export class TraceRecorder extends RunCollector {
  name = "switchboard_trace_recorder";
  /** The recorded trace, once the root run has ended. */
  trace: RunTrace | null = null;
  private saving: Promise<void> = Promise.resolve();
  private retrying: Promise<void> | undefined;

  constructor(
    private readonly info: RecordedRunInfo,
    private readonly options: TraceRecorderOptions,
  ) {
    // Inline, not in core's process-wide background queue: finishing a run then needs no wait
    // for that queue to drain, which under load holds every run's end until all runs' callbacks ran.
    super({ _awaitHandler: true });
  }

  protected async rootEnded(run: RecordedRun): Promise<void> {
    // Only the run this recorder was made for; a stray root (another invocation) is not ours.
    if (run.id !== this.info.runId) return;
    const root = stepsOfRun(run, this.options);
    const steps = flattenSteps(root);
    const trace: RunTrace = {
      ...this.info,
      terminalState: terminalStateOf(run.outputs, run.error),
      startedAt: root.startedAt,
      endedAt: root.endedAt,
      truncated: false,
      cost: costOfSteps(steps),
      root,
    };
    trace.truncated = boundTrace(trace, this.options.maxBytes);
    this.trace = trace;
    this.saving = this.save(trace);
    await this.saving;
  }

  /** Sets the terminal state the caller saw (e.g. `cancelled`) and saves again if it changed. */
  async finish(terminalState: string | null): Promise<RunTrace | null> {
    await this.saving;
    if (!this.trace) return null;
    if (terminalState && terminalState !== this.trace.terminalState) {
      this.trace.terminalState = terminalState;
      this.saving = this.save(this.trace);
      await this.saving;
    }
    return this.trace;
  }

  private async save(trace: RunTrace): Promise<void> {
    try {
      await this.options.store.save(trace);
    } catch (error) {
      // A trace that could not be saved (Redis away) never fails the run: it is kept and saved in the background.
      this.options.logger.warn({ err: error, runId: trace.runId }, "could not save the local trace; retrying in the background");
      this.retrying ??= this.retrySave().finally(() => (this.retrying = undefined));
    }
  }

  /** Saves the latest trace (a later terminal state included) until the store takes it, for a few minutes. */
  private async retrySave(): Promise<void> {
    for (const delayMs of this.options.retryDelaysMs ?? SAVE_RETRY_DELAYS_MS) {
      await new Promise((resolve) => setTimeout(resolve, delayMs).unref());
      try {
        await this.options.store.save(this.trace!);
        this.options.logger.info({ runId: this.info.runId }, "saved the local trace on a retry");
        return;
      } catch {
        // Still away: the next delay.
      }
    }
    this.options.logger.error({ runId: this.info.runId }, "gave up saving the local trace");
  }
}

/** Drops prompts, oldest model call first, until the trace fits `maxBytes`; whether it cut anything. */
export function boundTrace(trace: RunTrace, maxBytes: number): boolean {
  let size = Buffer.byteLength(JSON.stringify(trace));
  if (size <= maxBytes) return false;
  const models = flattenSteps(trace.root).filter((step): step is TraceStep & { model: NonNullable<TraceStep["model"]> } => !!step.model);
  for (const step of models) {
    const before = Buffer.byteLength(JSON.stringify(step.model.prompt));
    const kept = step.model.prompt.slice(-1);
    step.model.prompt = [{ role: "note", content: `${step.model.prompt.length - kept.length} earlier prompt message(s) dropped to keep the trace under ${Math.round(maxBytes / 1024)} KB` }, ...kept];
    size -= before - Buffer.byteLength(JSON.stringify(step.model.prompt));
    if (size <= maxBytes) return true;
  }
  return true;
}
