/** The Trace page's rows: the step tree flattened with depths, and the cost tables. */
import type { RunTrace } from "../../../../tracing/index.js";

type Step = NonNullable<RunTrace["root"]>;

/** One row of the step tree. */
export interface TraceRow {
  id: string;
  depth: number;
  kind: string;
  label: string;
  agent: string;
  status: string;
  durationMs: number | null;
  tokens: number;
  costUsd: number;
  /** What to show when the row is opened: prompt and response, tool arguments and result, rails. */
  detail: string;
}

/** Every step, depth first, parents before children. */
export function traceRows(trace: RunTrace): TraceRow[] {
  const rows: TraceRow[] = [];
  const visit = (step: Step, depth: number) => {
    rows.push(row(step, depth));
    for (const child of step.children) visit(child, depth + 1);
  };
  if (trace.root) visit(trace.root, 0);
  return rows;
}

function row(step: Step, depth: number): TraceRow {
  const usage = step.model?.usage;
  let label = step.name;
  let detail = "";
  if (step.model) {
    label = `${step.name} · ${step.model.model}`;
    const response = step.model.response;
    const asked = response?.toolCalls?.map((call) => `${call.name}(${JSON.stringify(call.args)})`).join(", ");
    detail = [`Prompt: ${step.model.prompt.length} message(s); last: ${step.model.prompt.at(-1)?.content.slice(0, 600) ?? ""}`, `Response: ${response?.content.slice(0, 1200) ?? "(none)"}`, asked ? `Tool calls: ${asked}` : ""].filter(Boolean).join("\n");
  } else if (step.tool) {
    const tool = step.tool;
    detail = [`Arguments: ${JSON.stringify(tool.args)}`, tool.policy ? `Policy: ${tool.policy}` : "", tool.approval ? `Approval: ${tool.approval}` : "", tool.refused ? `Refused: ${tool.refused}` : "", tool.error ? `Error: ${tool.error}` : "", tool.result !== null ? `Result: ${tool.result.slice(0, 1200)}` : ""].filter(Boolean).join("\n");
  } else if (step.summary) {
    detail = JSON.stringify(step.summary, null, 2);
  }
  if (step.rails?.length) detail += `${detail ? "\n" : ""}Rails: ${step.rails.map((rail) => `${rail.kind} (${rail.detail})`).join("; ")}`;
  if (step.error) detail += `${detail ? "\n" : ""}Error: ${step.error}`;
  return { id: step.id, depth, kind: step.kind, label, agent: step.agent, status: step.status, durationMs: step.durationMs, tokens: usage?.totalTokens ?? 0, costUsd: usage?.costUsd ?? 0, detail };
}

/** One line of a cost table. */
export interface CostRow {
  name: string;
  calls: number;
  tokens: number;
  costUsd: number;
}

/** Cost per agent, tool and model, most expensive first (then most tokens, then by name). */
export function costTables(trace: RunTrace): { byAgent: CostRow[]; byTool: CostRow[]; byModel: CostRow[] } {
  const sort = (rows: CostRow[]) => rows.sort((a, b) => b.costUsd - a.costUsd || b.tokens - a.tokens || a.name.localeCompare(b.name));
  const { byAgent, byTool, byModel } = trace.cost;
  return {
    byAgent: sort(Object.entries(byAgent).map(([name, usage]) => ({ name, calls: usage.modelCalls + usage.toolCalls, tokens: usage.totalTokens, costUsd: usage.costUsd }))),
    byTool: sort(Object.entries(byTool).map(([name, usage]) => ({ name, calls: usage.calls, tokens: usage.totalTokens, costUsd: usage.costUsd }))),
    byModel: sort(Object.entries(byModel).map(([name, usage]) => ({ name, calls: usage.calls, tokens: usage.totalTokens, costUsd: usage.costUsd }))),
  };
}

/** Money for people: `$0.0123`, `<$0.0001`, `$0`. */
export function formatUsd(value: number): string {
  if (value === 0) return "$0";
  if (value < 0.0001) return "<$0.0001";
  return `$${value.toFixed(value < 1 ? 4 : 2)}`;
}
