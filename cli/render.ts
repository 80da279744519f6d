/**
 * What the CLI shows while a run works: one line per progress event (who works, tool calls,
 * rail trips), indented by nesting depth, on stderr so stdout carries only the answer.
 */
import type { ProgressEvent, Usage } from "../agents/index.js";

/** Where the CLI writes. */
export interface Output {
  info(line: string): void;
  answer(text: string): void;
}

/** Output to the process's streams. */
export function processOutput(): Output {
  return {
    info: (line) => process.stderr.write(`${line}\n`),
    answer: (text) => process.stdout.write(`${text}\n`),
  };
}

const clip = (text: string, max: number) => {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length <= max ? flat : `${flat.slice(0, max)}…`;
};

/** Formats one progress event at nesting `depth`; undefined for events not worth a line. */
export function formatProgress(event: ProgressEvent, depth: number): string | undefined {
  const pad = "  ".repeat(Math.max(0, depth));
  switch (event.type) {
    case "handoff":
      return `${pad}→ ${event.from} hands to ${event.to}: ${clip(event.task, 140)}`;
    case "agent_start":
      return undefined;
    case "plan":
      return `${pad}☰ ${event.agent} planned ${event.tasks.length} sub-task(s):\n${event.tasks
        .map((task) => `${pad}   ${task.id} → ${task.agent}${task.dependsOn.length ? ` (after ${task.dependsOn.join(", ")})` : ""}: ${clip(task.task, 100)}`)
        .join("\n")}`;
    case "tool_call":
      return `${pad}  ${event.agent} ▸ ${event.tool} ${clip(JSON.stringify(event.args), 120)}${event.invalid ? ` (malformed, not run: ${clip(event.invalid, 80)})` : ""}`;
    case "tool_result":
      return `${pad}  ${event.agent} ◂ ${event.tool} ${event.ok ? "ok" : "error"}: ${clip(event.preview, 120)}`;
    case "rail":
      return `${pad}  ⚠ ${event.event.kind} (${event.event.agent}${event.event.tool ? `, ${event.event.tool}` : ""}): ${clip(event.event.detail, 160)}`;
    case "model_wait":
      return event.retry
        ? `${pad}  … ${event.agent}: model attempt ${event.attempt} of ${event.attempts} failed (${clip(event.retry, 140)})`
        : `${pad}  … ${event.agent} waiting for ${event.model}: attempt ${event.attempt} of ${event.attempts}, ${Math.round(event.waitedMs / 1000)} s of ${Math.round(event.limitMs / 1000)} s`;
    case "agent_end":
      return `${pad}${event.status === "completed" ? "✓" : "■"} ${event.agent}: ${event.status}${event.status === "completed" ? "" : ` (${clip(event.reason ?? "", 140)})`}`;
  }
}

/** One line summing up what a run spent. */
export function formatUsage(usage: Usage | undefined): string {
  if (!usage) return "";
  return `${usage.modelCalls} model call(s), ${usage.totalTokens.toLocaleString("en-US")} tokens, $${usage.costUsd.toFixed(4)}, ${usage.toolCalls} tool call(s)`;
}
