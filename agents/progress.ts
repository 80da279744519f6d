/**
 * Progress events: what the CLI (and any `custom` stream consumer) shows live while a run
 * works. Nodes write them through LangGraph's stream writer; with no consumer they cost nothing.
 */
import type { LangGraphRunnableConfig } from "@langchain/langgraph";
import type { ModelWaitEvent } from "../lib/contracts/run.js";
import type { RailEvent, TerminalState } from "./rails/budgets.js";

/** One progress event. */
export type ProgressEvent =
  | { type: "handoff"; from: string; to: string; task: string }
  | { type: "agent_start"; agent: string; task: string }
  /** `invalid` says why a call the model made could not be run (e.g. its arguments are not JSON): it was attempted, not executed. */
  | { type: "tool_call"; agent: string; tool: string; args: unknown; invalid?: string }
  | { type: "tool_result"; agent: string; tool: string; ok: boolean; preview: string }
  | { type: "rail"; event: RailEvent }
  | { type: "agent_end"; agent: string; status: TerminalState; reason: string | null }
  | { type: "plan"; agent: string; tasks: { id: string; agent: string; task: string; dependsOn: string[] }[] }
  | ModelWaitEvent;

/** Writes a progress event to the run's `custom` stream (a no-op when nobody listens). */
export function emitProgress(config: LangGraphRunnableConfig | undefined, event: ProgressEvent): void {
  const writer = config?.writer as ((chunk: unknown) => void) | undefined;
  if (typeof writer === "function") writer(event);
}

/** Writes one `rail` event per rail event. */
export function emitRailEvents(config: LangGraphRunnableConfig | undefined, events: readonly RailEvent[]): void {
  for (const event of events) emitProgress(config, { type: "rail", event });
}
