/**
 * Drives one run of a graph from the terminal: streams progress, asks the human whenever the
 * run pauses (approvals, loop escalations) and resumes it, until the run reaches its terminal
 * state. Ctrl-C cancels the run and records `cancelled` in its state. Unattended (no terminal),
 * a loop ends the run as `loop_detected`; approvals follow the run's --approve / --reject policy,
 * or read piped answers and pause when there are none.
 */
import { Command } from "@langchain/langgraph";
import { InvalidInputError } from "../lib/errors.js";
import { addUsage, type ProgressEvent, type RunLimits, type TerminalState, type Usage } from "../agents/index.js";
import type { RunTracing } from "../tracing/index.js";
import type { CompiledRegisteredGraph } from "../graphs/index.js";
import type { ApprovalPolicy } from "./args.js";
import { askAbout, type Asker, type PendingInterrupt } from "./prompts.js";
import { formatProgress, formatUsage, type Output } from "./render.js";

/** How a run ended, as the CLI reports it. */
export interface RunReport {
  /** The terminal state, or `paused` when the run waits for an answer that never came. */
  status: TerminalState | "paused";
  statusReason: string | null;
  answer: string | null;
  usage: Usage | undefined;
  /** Run ids of the segments (first run and each resume), for trace links. */
  runIds: string[];
}

/** What `driveRun` needs. */
export interface DriveOptions {
  graph: CompiledRegisteredGraph;
  graphId: string;
  threadId: string;
  /** The first input (a goal), or undefined to continue a paused run. */
  input: unknown;
  limits: RunLimits;
  asker: Asker;
  /** Whether a human is at a terminal: when not, a loop stops the run instead of asking. */
  interactive?: boolean;
  /** Who answers approvals (default: the asker). */
  approvals?: ApprovalPolicy;
  out: Output;
  /** Aborted on Ctrl-C. */
  signal: AbortSignal;
  /** Tracing for each run segment (first run and each resume), by its run id. */
  tracing?: (runId: string) => RunTracing;
  /** More of the run's `configurable` (e.g. `toolPolicies`); the driver's own keys win. */
  configurable?: Record<string, unknown>;
  /** Sees every progress event with its subgraph depth (the evals read the trajectory from them). */
  onProgress?: (event: ProgressEvent, depth: number) => void;
}

interface FinalValues {
  status?: TerminalState | null;
  statusReason?: string | null;
  result?: string | null;
  usage?: Usage;
}

/** Runs (or continues) the graph until it ends, asking the human at every pause. */
export async function driveRun(options: DriveOptions): Promise<RunReport> {
  const { graph, out } = options;
  const base = {
    configurable: {
      ...options.configurable,
      thread_id: options.threadId,
      graph_id: options.graphId,
      onLoop: options.interactive === false ? "stop" : "ask",
      ...(Object.keys(options.limits).length > 0 ? { limits: options.limits } : {}),
    },
    recursionLimit: 200,
    metadata: { graph_id: options.graphId, thread_id: options.threadId, client: "cli" },
  };
  const runIds: string[] = [];
  let input: unknown = options.input;
  if (input === undefined) {
    const pending = await pendingInterrupts(graph, base);
    if (pending.length === 0) await ensureSomethingToResume(graph, base, options.threadId);
    input = pending.length > 0 ? await resumeValue(pending, options) : null;
    if (input === undefined) return paused(graph, base, runIds);
  }
  for (;;) {
    const runId = crypto.randomUUID();
    runIds.push(runId);
    const tracing = options.tracing?.(runId);
    const traced = tracing
      ? { callbacks: tracing.callbacks, metadata: { ...base.metadata, ...tracing.metadata }, tags: tracing.tags }
      : {};
    try {
      const stream = await graph.stream(input, { ...base, ...traced, runId, runName: options.graphId, signal: options.signal, streamMode: ["custom"], subgraphs: true });
      for await (const chunk of stream) {
        const [namespace, , event] = chunk as [string[], string, ProgressEvent];
        options.onProgress?.(event, namespace.length);
        const line = formatProgress(event, namespace.length);
        if (line) out.info(line);
      }
    } catch (error) {
      await tracing?.finish(options.signal.aborted ? "cancelled" : "failed");
      if (!options.signal.aborted) throw error;
      return recordCancellation(graph, base, runIds, out);
    }
    await tracing?.finish();
    const pending = await pendingInterrupts(graph, base);
    if (pending.length === 0) break;
    const value = await resumeValue(pending, options);
    if (value === undefined) return paused(graph, base, runIds);
    if (options.signal.aborted) return recordCancellation(graph, base, runIds, out);
    input = value;
  }
  const values = (await graph.getState(base)).values as FinalValues;
  return { status: values.status ?? "paused", statusReason: values.statusReason ?? null, answer: values.result ?? null, usage: values.usage, runIds };
}

/** The interrupts the thread's run is waiting on (nested ones surface on the top task). */
async function pendingInterrupts(graph: CompiledRegisteredGraph, config: object): Promise<PendingInterrupt[]> {
  const snapshot = await graph.getState(config as Record<string, unknown>);
  return (snapshot.tasks as { interrupts?: { id?: string; value: unknown }[] }[]).flatMap((task) =>
    (task.interrupts ?? []).map((interrupt) => ({ id: interrupt.id, value: interrupt.value })),
  );
}

/** Asks about every pending interrupt; the resume command, or undefined when input ended. */
async function resumeValue(pending: PendingInterrupt[], options: DriveOptions): Promise<Command | undefined> {
  const answers: Record<string, unknown> = {};
  for (const interrupt of pending) {
    const answer = standingAnswer(interrupt, options) ?? (await askAbout(interrupt, options.asker, options.out));
    if (answer === undefined) return undefined;
    if (pending.length === 1 || !interrupt.id) return new Command({ resume: answer });
    answers[interrupt.id] = answer;
  }
  // Several pauses at once (parallel sub-tasks): answer each by its interrupt id.
  return new Command({ resume: answers });
}

/** The run's --approve / --reject answer to an approval request, shown as if typed; undefined = ask. */
function standingAnswer(interrupt: PendingInterrupt, options: DriveOptions): unknown {
  const request = interrupt.value as { type?: string; agent?: string; tool?: string };
  if (request?.type !== "tool_approval" || !options.approvals || options.approvals === "ask") return undefined;
  const flag = options.approvals === "approve" ? "--approve" : "--reject";
  options.out.info(`  ${options.approvals === "approve" ? "✓ approved" : "✗ rejected"} ${request.agent} ▸ ${request.tool} (${flag})`);
  return options.approvals === "approve" ? { decision: "approve" } : { decision: "reject", reason: `Rejected by the run's ${flag} policy.` };
}

/**
 * Refuses `--resume` on a thread whose last run ended (in a terminal state, cancelled included,
 * or with no step left): there is nothing to continue. A run cut off by a crash has steps left
 * and no terminal state: it continues.
 */
async function ensureSomethingToResume(graph: CompiledRegisteredGraph, config: object, threadId: string): Promise<void> {
  const snapshot = await graph.getState(config as Record<string, unknown>);
  const values = snapshot.values as FinalValues;
  if (snapshot.next.length > 0 && !values.status) return;
  const ended = values.status ? ` (it ended: ${values.status}${values.statusReason ? `, ${values.statusReason}` : ""})` : "";
  throw new InvalidInputError(`Thread '${threadId}' has nothing to resume: its last run is not paused${ended}. Send a follow-up instead: npm start -- --thread ${threadId} "your next goal".`);
}

async function paused(graph: CompiledRegisteredGraph, config: object, runIds: string[]): Promise<RunReport> {
  return { status: "paused", statusReason: "waiting for an answer", answer: null, usage: await usageSoFar(graph, config), runIds };
}

/**
 * What the run spent so far. A paused run's usage is spread out: calls of finished sub-agents
 * rolled up into the parent's state, while the sub-agent that is waiting still holds its own in
 * its subgraph's state (it rolls up when that sub-agent ends). Sums both, at every depth.
 */
async function usageSoFar(graph: CompiledRegisteredGraph, config: object): Promise<Usage | undefined> {
  const snapshot = await graph.getState(config as Record<string, unknown>, { subgraphs: true });
  const walk = (state: { values: unknown; tasks: readonly { state?: unknown }[] }): Usage | undefined => {
    let total = (state.values as FinalValues).usage;
    for (const task of state.tasks) {
      const child = task.state as { values?: unknown; tasks?: readonly { state?: unknown }[] } | undefined;
      if (child?.values && child.tasks) total = addUsage(total, walk(child as { values: unknown; tasks: readonly { state?: unknown }[] }));
    }
    return total;
  };
  return walk(snapshot as unknown as { values: unknown; tasks: readonly { state?: unknown }[] });
}

/** Records `cancelled` in the thread's state so the run ends in a named state. */
async function recordCancellation(graph: CompiledRegisteredGraph, config: object, runIds: string[], out: Output): Promise<RunReport> {
  const reason = "Cancelled from the terminal (Ctrl-C).";
  const update = { status: "cancelled", statusReason: reason };
  try {
    await graph.updateState(config as Record<string, unknown>, update);
    // Cancelled before any node finished, the update is taken as the graph's input, whose narrow
    // schema drops `status`: then record it as the node that was about to run.
    const after = await graph.getState(config as Record<string, unknown>);
    if ((after.values as FinalValues).status !== "cancelled" && after.next.length > 0) await graph.updateState(config as Record<string, unknown>, update, after.next[0]);
  } catch (error) {
    out.info(`(could not record the cancellation in the thread's state: ${(error as Error).message})`);
  }
  const values = (await graph.getState(config as Record<string, unknown>)).values as FinalValues;
  return { status: "cancelled", statusReason: reason, answer: values.result ?? null, usage: values.usage, runIds };
}

/** The closing lines of a run; the resume hint only where resuming can work (durable checkpoints). */
export function reportLines(report: RunReport, where: { threadId: string; durable: boolean }): string[] {
  const lines = [`\n■ ${report.status}${report.statusReason ? ` — ${report.statusReason}` : ""}${report.usage ? ` (${formatUsage(report.usage)})` : ""}`];
  if (report.status !== "paused") return lines;
  if (where.durable) lines.push(`The run is paused. Continue it with: npm start -- --thread ${where.threadId} --resume`);
  else lines.push("The run is paused, but its checkpoints are in this process's memory and end with it: set REDIS_URL to resume paused runs later.");
  return lines;
}
