import { Writable } from "node:stream";
import type { IngestSummary } from "../memory/index.js";
import { clock, createIngestProgress, summaryTable } from "./ingest-progress.js";

function sink(isTTY: boolean): { stream: NodeJS.WriteStream; text: () => string } {
  let text = "";
  const stream = new Writable({ write: (chunk, _encoding, done) => void ((text += String(chunk)), done()) }) as unknown as NodeJS.WriteStream;
  Object.assign(stream, { isTTY });
  return { stream, text: () => text };
}

const result = (source: string) => ({ source, status: "added" as const, chunks: 4, written: 4, removed: 0 });

describe("ingest progress", () => {
  it("on a terminal redraws one line with files, chunks, embeddings per second and an ETA", () => {
    let now = 0;
    const out = sink(true);
    const progress = createIngestProgress(out.stream, () => now);
    progress.onEvent({ type: "planned", total: 4 });
    now = 2_000;
    progress.onEvent({ type: "chunks", written: 40 });
    progress.onEvent({ type: "file", index: 1, total: 4, kind: "pdf", result: result("a.pdf") });
    progress.onEvent({ type: "skipped", index: 2, total: 4, kind: ".png", source: "b.png", reason: "no loader for .png files", failed: false });
    const frames = out.text().split("\r").filter(Boolean);
    expect(frames.at(-1)).toBe("[############------------] 2/4 files · 40 chunks embedded · 20 emb/s · ETA 0:02\x1b[K");
    // A skip stays on screen above the bar; per-file successes do not scroll it away.
    expect(out.text()).toContain("\x1b[K[2/4] skipped   b.png (no loader for .png files)\n");
    expect(out.text()).not.toContain("a.pdf");
  });

  it("elsewhere prints one plain line per file and no control characters", () => {
    const out = sink(false);
    const progress = createIngestProgress(out.stream);
    progress.onEvent({ type: "planned", total: 2 });
    progress.onEvent({ type: "file", index: 1, total: 2, kind: "pdf", result: result("a.pdf") });
    progress.onEvent({ type: "removed", source: "old.md", chunks: 3 });
    progress.finish();
    expect(out.text()).toBe("[1/2] added     a.pdf (4 chunks, 4 embedded)\nremoved   old.md (gone; 3 chunks dropped)\n");
  });

  it("ends with a table of files by type and the reasons files were skipped", () => {
    const summary: IngestSummary = {
      files: 4, added: 2, updated: 0, unchanged: 1, skipped: 1, failed: 0, removedSources: 0, chunks: 9, written: 6,
      byKind: { pdf: { ingested: 2, unchanged: 0, skipped: 0, chunks: 6 }, markdown: { ingested: 0, unchanged: 1, skipped: 0, chunks: 3 }, ".png": { ingested: 0, unchanged: 0, skipped: 1, chunks: 0 } },
      skippedFiles: [{ source: "b.png", reason: "no loader for .png files" }],
    };
    expect(summaryTable(summary, 2).split("\n")).toEqual([
      "type      ingested  unchanged  skipped  chunks",
      "--------  --------  ---------  -------  ------",
      ".png             0          0        1       0",
      "markdown         0          1        0       3",
      "pdf              2          0        0       6",
      "total            2          1        1       9",
      "skipped: b.png (no loader for .png files)",
      "4 files in 2.0s: 2 added, 0 updated, 1 unchanged, 1 skipped, 0 removed; 6 chunks embedded (3/s).",
    ]);
    expect(clock(65)).toBe("1:05");
  });
});
