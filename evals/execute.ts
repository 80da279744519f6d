/**
 * Runs one eval case the way the CLI runs a goal unattended (cli/run.ts `driveRun`): a fresh
 * in-memory process of services per case (its own workspace, checkpoints and store, so cases
 * cannot see each other), the case's approvals policy, limits and tool policies; loops stop the
 * run. Records what the scorers judge: the terminal state, the answer, the trajectory (agents in
 * order, tool calls, rail events), usage and latency. A run that throws or hangs still yields a
 * record, with the reason, so every case appears in the report.
 */
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve, sep } from "node:path";
import { HumanMessage } from "@langchain/core/messages";
import type { Env } from "../lib/env.js";
import { InvalidInputError } from "../lib/errors.js";
import type { ModelProvider, ProgressEvent, RailEvent, TerminalState, Usage } from "../agents/index.js";
import { getGraph, openServices, type Services } from "../graphs/index.js";
import { driveRun } from "../cli/run.js";
import type { Asker } from "../cli/prompts.js";
import type { EvalCase } from "./case.js";

/** A tool call the run made. */
export interface ToolCallRecord {
  agent: string;
  tool: string;
  args: unknown;
  /** Set when the call was malformed (e.g. arguments not JSON): attempted, never run. */
  invalid?: string;
}

/** What one run of a case did. */
export interface CaseRun {
  /** The terminal state; `paused` when it waited for an answer nobody gave. */
  status: TerminalState | "paused";
  statusReason: string | null;
  answer: string;
  /** Agents in the order they started work (sub-agents of every depth). */
  agents: string[];
  toolCalls: ToolCallRecord[];
  railEvents: RailEvent[];
  usage: Usage;
  latencyMs: number;
  /** The error that ended the run, when it threw. */
  error?: string;
  /** Set when the run never started (its workspace or services could not be set up): no expected state can pass. */
  setupFailed?: true;
}

/** How a case is run. */
export interface ExecuteOptions {
  env: Env;
  /** Models of the agents for this run (fresh per run when scripted). */
  models: ModelProvider;
  /** The run is cancelled after this long and recorded as timed out. */
  timeoutMs: number;
}

const EMPTY_USAGE: Usage = { inputTokens: 0, outputTokens: 0, totalTokens: 0, costUsd: 0, modelCalls: 0, toolCalls: 0 };

/** Runs `item` once and records what happened. */
export async function executeCase(item: EvalCase, options: ExecuteOptions): Promise<CaseRun> {
  const workspace = mkdtempSync(join(tmpdir(), `switchboard-eval-${item.id}-`));
  const record: CaseRun = { status: "failed", statusReason: null, answer: "", agents: [], toolCalls: [], railEvents: [], usage: EMPTY_USAGE, latencyMs: 0 };
  // Latency is the run's own: opening services (the first case also loads every module) is not counted.
  let started = performance.now();
  // Evals never touch a configured Redis: each case is its own throwaway process of services.
  const env: Env = { ...options.env, redis: undefined, WORKSPACE_DIR: workspace };
  let services: Services | undefined;
  let running = false;
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new Error(`timed out after ${options.timeoutMs} ms`)), options.timeoutMs);
  try {
    writeFiles(workspace, item.files);
    services = await openServices(env, { name: "switchboard-eval", graphDeps: { models: options.models } });
    const { deps } = await services.ownGraphs();
    const graph = getGraph(item.graph).createBuilder(deps).compile({ checkpointer: services.checkpointer.saver, store: services.memory.store });
    started = performance.now();
    running = true;
    const report = await driveRun({
      graph,
      graphId: item.graph,
      threadId: `eval-${item.id}-${crypto.randomUUID()}`,
      input: { messages: [new HumanMessage(item.goal)] },
      limits: item.limits,
      asker: NOBODY,
      interactive: false,
      approvals: item.approvals,
      out: { info: () => undefined, answer: () => undefined },
      signal: controller.signal,
      configurable: Object.keys(item.toolPolicies).length > 0 ? { toolPolicies: item.toolPolicies } : {},
      onProgress: (event) => observe(record, event),
    });
    record.status = report.status;
    record.statusReason = controller.signal.aborted && report.status === "cancelled" ? `timed out after ${options.timeoutMs} ms` : report.statusReason;
    record.answer = report.answer ?? "";
    record.usage = report.usage ?? EMPTY_USAGE;
  } catch (error) {
    record.status = "failed";
    record.error = `${(error as Error).name}: ${(error as Error).message}`;
    record.statusReason = record.error;
    if (!running) record.setupFailed = true;
  } finally {
    clearTimeout(timer);
    record.latencyMs = performance.now() - started;
    await services?.close();
    rmSync(workspace, { recursive: true, force: true });
  }
  return record;
}

/** Unattended: approvals follow the case's policy; anything else finds no answer (the run pauses). */
const NOBODY: Asker = { ask: async () => undefined, close: () => undefined };

function observe(record: CaseRun, event: ProgressEvent): void {
  if (event.type === "agent_start") record.agents.push(event.agent);
  else if (event.type === "tool_call") record.toolCalls.push({ agent: event.agent, tool: event.tool, args: event.args, ...(event.invalid ? { invalid: event.invalid } : {}) });
  else if (event.type === "rail") record.railEvents.push(event.event);
}

function writeFiles(workspace: string, files: Record<string, string>): void {
  for (const [path, content] of Object.entries(files)) {
    const target = resolve(workspace, path);
    if (!target.startsWith(workspace + sep)) throw new InvalidInputError(`Case file '${path}' lies outside the workspace: use a relative path inside it.`);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, content);
  }
}
