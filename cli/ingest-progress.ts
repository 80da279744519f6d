/**
 * What `npm run ingest` prints: on a terminal, one progress line redrawn in place (files, chunks,
 * embeddings per second, ETA); otherwise one plain line per file, which logs and CI keep well.
 * At the end, a summary table by file type with the reasons files were skipped.
 */
import type { IngestEvent, IngestSummary } from "../memory/index.js";

/** Receives ingest events and prints them. */
export interface IngestProgress {
  onEvent(event: IngestEvent): void;
  /** Clears the progress line before the summary. */
  finish(): void;
}

/** `1:05` from seconds. */
export function clock(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
}

function describe(event: IngestEvent): string | undefined {
  if (event.type === "removed") return `removed   ${event.source} (gone; ${event.chunks} chunks dropped)`;
  if (event.type === "skipped") return `[${event.index}/${event.total}] ${event.failed ? "failed " : "skipped"}   ${event.source} (${event.reason})`;
  if (event.type !== "file") return undefined;
  const { result } = event;
  const detail = result.status === "unchanged" ? `${result.chunks} chunks` : `${result.chunks} chunks, ${result.written} embedded${result.removed > 0 ? `, ${result.removed} removed` : ""}`;
  return `[${event.index}/${event.total}] ${result.status.padEnd(9)} ${result.source} (${detail})`;
}

/** A progress printer: a redrawn bar on a TTY, plain lines elsewhere. */
export function createIngestProgress(out: NodeJS.WriteStream = process.stdout, now: () => number = Date.now): IngestProgress {
  const tty = Boolean(out.isTTY);
  const started = now();
  let total = 0;
  let done = 0;
  let chunks = 0;
  let lastDraw = 0;
  const draw = (force = false) => {
    const at = now();
    if (!force && at - lastDraw < 100) return;
    lastDraw = at;
    const seconds = Math.max(0.001, (at - started) / 1000);
    const width = 24;
    const filled = total === 0 ? 0 : Math.round((done / total) * width);
    const eta = done === 0 ? "--:--" : clock(((total - done) * seconds) / done);
    out.write(`\r[${"#".repeat(filled)}${"-".repeat(width - filled)}] ${done}/${total} files · ${chunks} chunks embedded · ${(chunks / seconds).toFixed(0)} emb/s · ETA ${eta}\x1b[K`);
  };
  return {
    onEvent(event) {
      if (event.type === "planned") total = event.total;
      else if (event.type === "chunks") chunks += event.written;
      else if (event.type === "file" || event.type === "skipped") done = event.index;
      if (tty) {
        // Skips and removals stay visible above the bar; per-file lines would scroll it away.
        const printed = event.type === "skipped" || event.type === "removed";
        if (printed) out.write(`\r\x1b[K${describe(event)}\n`);
        draw(printed || event.type === "planned");
      } else {
        const line = describe(event);
        if (line) out.write(`${line}\n`);
      }
    },
    finish() {
      if (tty) out.write("\r\x1b[K");
    },
  };
}

/** The end-of-run table: files by type (ingested, unchanged, skipped), chunks, time. */
export function summaryTable(summary: IngestSummary, seconds: number): string {
  const rows = [["type", "ingested", "unchanged", "skipped", "chunks"]];
  for (const [kind, counts] of Object.entries(summary.byKind).sort(([a], [b]) => a.localeCompare(b))) {
    rows.push([kind, String(counts.ingested), String(counts.unchanged), String(counts.skipped), String(counts.chunks)]);
  }
  rows.push(["total", String(summary.added + summary.updated), String(summary.unchanged), String(summary.skipped), String(summary.chunks)]);
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  const line = (row: string[]) => row.map((cell, column) => (column === 0 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!))).join("  ");
  const lines = [line(rows[0]!), widths.map((width) => "-".repeat(width)).join("  "), ...rows.slice(1).map(line)];
  for (const { source, reason } of summary.skippedFiles) lines.push(`skipped: ${source} (${reason})`);
  lines.push(
    `${summary.files} files in ${seconds.toFixed(1)}s: ${summary.added} added, ${summary.updated} updated, ${summary.unchanged} unchanged, ${summary.skipped} skipped, ${summary.removedSources} removed; ${summary.written} chunks embedded (${(summary.written / Math.max(seconds, 0.001)).toFixed(0)}/s).`,
  );
  return lines.join("\n");
}
