/**
 * The eval report as text: one block per graph (pass rate, per-scorer averages, tokens, cost,
 * latency, failed cases with why), the per-case spread when repeated, and the regressions. Also
 * the progress display: a bar on a TTY, one plain line per finished run otherwise.
 */
import { pct, type EvalReport } from "./report.js";
import type { CaseResult } from "./runner.js";

/** The report as the terminal shows it. */
export function renderReport(report: EvalReport): string {
  const lines = [`Eval · model ${report.model} · judge ${report.judge} · datasets ${report.datasets.join(", ")} · repeat ${report.repeat}`];
  for (const graph of report.graphs) {
    lines.push("", `${graph.graph}: ${graph.passed}/${graph.runs} runs passed (${pct(graph.passRate)}) · ${graph.cases} case(s)`);
    const keys = Object.keys(graph.scorers);
    const width = Math.max(...keys.map((key) => key.length), "latency".length);
    for (const key of keys) lines.push(`  ${key.padEnd(width)}  ${graph.scorers[key]!.toFixed(2)}`);
    lines.push(`  ${"tokens".padEnd(width)}  ${graph.tokens.toLocaleString("en-US")} (${Math.round(graph.tokens / Math.max(1, graph.runs)).toLocaleString("en-US")}/run)`);
    lines.push(`  ${"cost".padEnd(width)}  $${graph.costUsd.toFixed(4)}`);
    lines.push(`  ${"latency".padEnd(width)}  p50 ${ms(graph.latencyMs.p50)} · p95 ${ms(graph.latencyMs.p95)}`);
    for (const failure of graph.failures) {
      lines.push(`  ✗ ${failure.caseId}${report.repeat > 1 ? ` #${failure.repetition}` : ""}`);
      for (const why of failure.why) lines.push(`      ${why}`);
    }
    for (const note of graph.notes) for (const text of note.notes) lines.push(`  ! ${note.caseId}${report.repeat > 1 ? ` #${note.repetition}` : ""}: ${text}`);
  }
  if (report.repeat > 1) {
    lines.push("", "Per case over repeats (pass rate · score spread · tokens min–max):");
    for (const item of report.cases) {
      const unstable = item.passRate > 0 && item.passRate < 1 ? "  ← unstable" : "";
      lines.push(`  ${item.caseId.padEnd(32)} ${pct(item.passRate).padStart(4)} · ±${item.scoreSpread.toFixed(2)} · ${item.tokens.min}–${item.tokens.max}${unstable}`);
    }
  }
  if (report.baseline) {
    const { path, regressions } = report.baseline;
    lines.push("", regressions.length === 0 ? `No regression against ${path}.` : `${regressions.length} regression(s) against ${path}:`);
    for (const regression of regressions) lines.push(`  ▼ ${regression.where}: ${regression.what}`);
  }
  const runs = report.results.length;
  const passed = report.results.filter((result) => result.passed).length;
  lines.push("", `${passed}/${runs} runs passed${report.passed ? "" : " — FAILED"}`);
  return lines.join("\n");
}

/** Shows progress: a redrawn bar on a TTY, else a line per finished run. */
export function progressPrinter(stream: NodeJS.WriteStream): (result: CaseResult, done: number, total: number) => void {
  if (stream.isTTY) {
    return (result, done, total) => {
      const width = 24;
      const filled = Math.round((done / total) * width);
      const bar = `${"█".repeat(filled)}${"░".repeat(width - filled)}`;
      stream.write(`\r\x1b[2K${bar} ${done}/${total} ${result.passed ? "✓" : "✗"} ${result.caseId}`);
      if (done === total) stream.write("\n");
    };
  }
  return (result, done, total) => {
    const why = result.passed ? "" : ` — ${result.why[0] ?? ""}`;
    stream.write(`[${done}/${total}] ${result.passed ? "pass" : "FAIL"} ${result.graph}/${result.caseId}${result.repetition > 1 ? ` #${result.repetition}` : ""} (${ms(result.run.latencyMs)})${why}\n`);
  };
}

function ms(value: number): string {
  return value >= 1000 ? `${(value / 1000).toFixed(1)} s` : `${Math.round(value)} ms`;
}
