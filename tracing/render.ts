/**
 * A run's trace as an indented tree of text lines, one line per step (the same steps
 * LangSmith shows, plumbing folded away), with the model's replies, tool arguments and
 * results, guardrail decisions, rail trips, timings, tokens and cost under each step, and the
 * spending per agent, tool and model at the end. The CLI's `--trace` and the server's
 * `?format=text` print it.
 */
import type { RunTrace, TraceStep, TraceUsage } from "./trace.js";

const ICONS: Record<TraceStep["kind"], string> = { graph: "■", agent: "◇", node: "•", model: "◆", tool: "▸", step: "·" };

const flat = (text: string, max: number) => {
  const oneLine = text.replace(/\s+/g, " ").trim();
  return oneLine.length <= max ? oneLine : `${oneLine.slice(0, max)}…`;
};

const duration = (ms: number | null) => (ms === null ? "unfinished" : ms < 1_000 ? `${ms} ms` : `${(ms / 1_000).toFixed(1)} s`);
const money = (usd: number) => `$${usd.toFixed(usd > 0 && usd < 0.0001 ? 6 : 4)}`;
const tokens = (usage: TraceUsage) => `${usage.inputTokens.toLocaleString("en-US")}→${usage.outputTokens.toLocaleString("en-US")} tokens, ${money(usage.costUsd)}`;

/** The line of one step at `depth`. */
export function stepLine(step: TraceStep, depth: number): string {
  const parts = [`${"  ".repeat(depth)}${ICONS[step.kind]} ${step.name}`, `[${step.kind}${step.agent !== step.name && step.kind !== "graph" ? ` · ${step.agent}` : ""}]`];
  if (step.status !== "ok") parts.push(step.status.toUpperCase());
  parts.push(duration(step.durationMs));
  if (step.model) parts.push(`${step.model.model}, ${tokens(step.model.usage)}`);
  return parts.join(" ");
}

function detailLines(step: TraceStep, depth: number): string[] {
  const pad = `${"  ".repeat(depth)}    `;
  const lines: string[] = [];
  if (step.model) {
    const last = step.model.prompt.at(-1);
    if (last) lines.push(`${pad}prompt (${step.model.prompt.length} message(s)), last ${last.role}: ${flat(last.content, 160)}`);
    const response = step.model.response;
    if (response?.content) lines.push(`${pad}reply: ${flat(response.content, 200)}`);
    for (const call of response?.toolCalls ?? []) lines.push(`${pad}calls ${call.name} ${flat(JSON.stringify(call.args), 160)}`);
  }
  if (step.tool) {
    const { tool } = step;
    const guard = [tool.policy && `policy ${tool.policy}`, tool.approval && `human ${tool.approval}`, tool.refused && `refused (${tool.refused})`].filter(Boolean).join(", ");
    lines.push(`${pad}args ${flat(JSON.stringify(tool.args), 160)}${guard ? ` · ${guard}` : ""}`);
    if (tool.result !== null) lines.push(`${pad}result: ${flat(tool.result, 200)}`);
    if (tool.error) lines.push(`${pad}error: ${flat(tool.error, 200)}`);
  } else if (step.error) {
    lines.push(`${pad}error: ${flat(step.error, 200)}`);
  }
  if (step.summary?.next) lines.push(`${pad}decision: → ${String(step.summary.next)}${step.summary.brief ? `: ${flat(String(step.summary.brief), 140)}` : ""}`);
  if (step.summary?.status) lines.push(`${pad}ends ${String(step.summary.status)}${step.summary.statusReason ? `: ${flat(String(step.summary.statusReason), 140)}` : ""}`);
  for (const rail of step.rails ?? []) lines.push(`${pad}⚠ rail ${rail.kind}${rail.tool ? ` (${rail.tool})` : ""}: ${flat(rail.detail, 160)}`);
  return lines;
}

/** The whole trace as terminal lines. */
export function renderTrace(trace: RunTrace): string[] {
  const lines = [
    `Trace of run ${trace.runId} · graph ${trace.graphId} · thread ${trace.threadId ?? "(none)"} · owner ${trace.owner}`,
    `${trace.terminalState ?? "unknown"} · started ${trace.startedAt}${trace.truncated ? " · (older prompts dropped to bound its size)" : ""}`,
    "",
  ];
  const visit = (step: TraceStep, depth: number) => {
    lines.push(stepLine(step, depth), ...detailLines(step, depth));
    for (const child of step.children) visit(child, depth + 1);
  };
  if (trace.root) visit(trace.root, 0);
  const { total, byAgent, byTool, byModel } = trace.cost;
  lines.push("", `Spent: ${total.modelCalls} model call(s), ${tokens(total)}; ${total.toolCalls} tool call(s)`);
  for (const [agent, usage] of Object.entries(byAgent)) lines.push(`  agent ${agent}: ${usage.modelCalls} model call(s), ${tokens(usage)}, ${usage.toolCalls} tool call(s)`);
  for (const [tool, usage] of Object.entries(byTool)) lines.push(`  tool ${tool}: ${usage.calls} call(s)${usage.errors ? `, ${usage.errors} error(s)` : ""}, ${duration(usage.durationMs)}, asked for with ${tokens(usage)}`);
  for (const [model, usage] of Object.entries(byModel)) lines.push(`  model ${model}: ${usage.calls} call(s), ${tokens(usage)}`);
  return lines;
}
