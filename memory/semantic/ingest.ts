/**
 * Ingests files and folders into a knowledge base, reporting progress per file: Markdown, text and
 * HTML files are indexed; changed files replace their chunks; files that disappeared from an
 * ingested folder are removed from the index.
 */
import { readdir, readFile, stat } from "node:fs/promises";
import { isAbsolute, join, relative, resolve, sep } from "node:path";
import { InvalidInputError } from "../../lib/errors.js";
import { documentKind } from "./chunking.js";
import type { IngestFileResult, KnowledgeBase } from "./knowledge-base.js";

/** A progress event of an ingest run. */
export type IngestEvent =
  | { type: "file"; index: number; total: number; result: IngestFileResult }
  | { type: "skipped"; index: number; total: number; source: string; reason: string }
  | { type: "removed"; source: string; chunks: number };

/** Totals of an ingest run. */
export interface IngestSummary {
  files: number;
  added: number;
  updated: number;
  unchanged: number;
  skipped: number;
  removedSources: number;
  chunks: number;
}

/** How a path is shown and identified: relative to the root when inside it, with "/" separators. */
export function displaySource(path: string, root: string): string {
  const absolute = resolve(root, path);
  const inside = relative(root, absolute);
  if (inside === "") return ".";
  const shown = !inside.startsWith("..") && !isAbsolute(inside) ? inside : absolute;
  return shown.split(sep).join("/");
}

async function filesUnder(directory: string): Promise<string[]> {
  const entries = await readdir(directory, { withFileTypes: true });
  const nested = await Promise.all(
    entries
      .filter((entry) => !entry.name.startsWith(".") && entry.name !== "node_modules")
      .map(async (entry) => {
        const path = join(directory, entry.name);
        if (entry.isDirectory()) return filesUnder(path);
        return entry.isFile() && documentKind(path) ? [path] : [];
      }),
  );
  return nested.flat().sort();
}

/** Ingests the given files and folders for an owner; `onProgress` hears about every file. */
export async function ingestPaths(
  knowledge: KnowledgeBase,
  owner: string,
  paths: readonly string[],
  options: { root?: string; onProgress?: (event: IngestEvent) => void } = {},
): Promise<IngestSummary> {
  const root = options.root ?? process.cwd();
  const report = options.onProgress ?? (() => undefined);
  const files: string[] = [];
  const folders: string[] = [];
  for (const path of paths) {
    const absolute = resolve(root, path);
    const info = await stat(absolute).catch(() => undefined);
    if (!info) throw new InvalidInputError(`Nothing to ingest at '${path}': no such file or folder.`);
    if (info.isDirectory()) {
      folders.push(absolute);
      files.push(...(await filesUnder(absolute)));
    } else if (documentKind(absolute)) {
      files.push(absolute);
    } else {
      throw new InvalidInputError(`Cannot ingest '${path}': only Markdown (.md), text (.txt) and HTML (.html) files are supported.`);
    }
  }
  const unique = [...new Set(files)];
  const summary: IngestSummary = { files: unique.length, added: 0, updated: 0, unchanged: 0, skipped: 0, removedSources: 0, chunks: 0 };
  for (const [i, file] of unique.entries()) {
    const source = displaySource(file, root);
    const content = await readFile(file, "utf8");
    if (content.includes("\u0000")) {
      summary.skipped += 1;
      report({ type: "skipped", index: i + 1, total: unique.length, source, reason: "binary content" });
      continue;
    }
    const result = await knowledge.ingestDocument(owner, source, content);
    summary[result.status] += 1;
    summary.chunks += result.chunks;
    report({ type: "file", index: i + 1, total: unique.length, result });
  }
  if (folders.length > 0) {
    const present = new Set(unique.map((file) => displaySource(file, root)));
    const folderSources = folders.map((folder) => displaySource(folder, root));
    const under = (source: string, folder: string) => (folder === "." ? !source.startsWith("/") : source.startsWith(`${folder}/`));
    for (const { source } of await knowledge.sources(owner)) {
      const underFolder = folderSources.some((folder) => under(source, folder));
      if (!underFolder || present.has(source)) continue;
      const chunks = await knowledge.removeSource(owner, source);
      summary.removedSources += 1;
      report({ type: "removed", source, chunks });
    }
  }
  return summary;
}
