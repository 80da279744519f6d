/**
 * Ingests files, folders and web pages into a knowledge base, reporting progress: each file is
 * read by the loader of its type (loaders.ts), unchanged ones cost a hash and one read, changed
 * ones replace their chunks, and a type with no loader is reported as skipped with the reason.
 * With `prune`, sources that left an ingested folder are removed. Pages are fetched through the
 * caller's `fetchPage`, so the network policy stays with the caller (the CLI uses the tools' guard).
 */
import { readdir, readFile, stat } from "node:fs/promises";
import { isAbsolute, join, relative, resolve, sep } from "node:path";
import { pathToFileURL } from "node:url";
import { InvalidInputError } from "../../lib/errors.js";
import type { IngestFileResult, KnowledgeBase } from "./knowledge-base.js";
import { documentKind, loadDocument, skipReason, type DocumentKind, type LoadedDocument } from "./loaders.js";
import { isUrl, type PageFetcher, webTargets } from "./web.js";

/** A progress event of an ingest run. */
export type IngestEvent =
  | { type: "planned"; total: number }
  | { type: "file"; index: number; total: number; kind: string; result: IngestFileResult }
  | { type: "skipped"; index: number; total: number; kind: string; source: string; reason: string; failed: boolean }
  | { type: "chunks"; written: number }
  | { type: "removed"; source: string; chunks: number };

/** Counts of one file type. */
export interface KindCounts {
  ingested: number;
  unchanged: number;
  skipped: number;
  chunks: number;
}

/** Totals of an ingest run. */
export interface IngestSummary {
  files: number;
  added: number;
  updated: number;
  unchanged: number;
  skipped: number;
  /** Skipped because reading or fetching failed (a subset of `skipped`). */
  failed: number;
  removedSources: number;
  chunks: number;
  /** Chunks embedded and written (0 when nothing changed). */
  written: number;
  byKind: Record<string, KindCounts>;
  skippedFiles: { source: string; reason: string }[];
}

/** How an ingest run behaves. */
export interface IngestOptions {
  /** Where relative paths start and sources are shown from (default: the working directory). */
  root?: string;
  /** Remove sources that are gone from an ingested folder. */
  prune?: boolean;
  /** Fetches web pages; without it URLs are refused. */
  fetchPage?: PageFetcher;
  onProgress?: (event: IngestEvent) => void;
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
        return entry.isFile() ? [path] : [];
      }),
  );
  return nested.flat().sort();
}

/** One thing to ingest: a file on disk or a page to fetch. */
type Target = { file: string } | { url: string };

const kindLabel = (path: string) => documentKind(path) ?? (path.includes(".") ? path.slice(path.lastIndexOf(".")).toLowerCase() : "(none)");
const textual = (kind: DocumentKind) => kind === "markdown" || kind === "html" || kind === "text";

/** Ingests the given files, folders and URLs for an owner; `onProgress` hears about every step. */
export async function ingestPaths(knowledge: KnowledgeBase, owner: string, paths: readonly string[], options: IngestOptions = {}): Promise<IngestSummary> {
  const root = options.root ?? process.cwd();
  const report = options.onProgress ?? (() => undefined);
  const targets: Target[] = [];
  const folders: string[] = [];
  for (const path of paths) {
    if (isUrl(path)) {
      if (!options.fetchPage) throw new InvalidInputError(`Cannot ingest '${path}': web pages need a fetcher (the ingest command provides one).`);
      targets.push(...(await webTargets(path, options.fetchPage)).map((url) => ({ url })));
      continue;
    }
    const absolute = resolve(root, path);
    const info = await stat(absolute).catch(() => undefined);
    if (!info) throw new InvalidInputError(`Nothing to ingest at '${path}': no such file or folder.`);
    if (info.isDirectory()) {
      folders.push(absolute);
      targets.push(...(await filesUnder(absolute)).map((file) => ({ file })));
    } else targets.push({ file: absolute });
  }
  const unique = [...new Map(targets.map((target) => ["file" in target ? target.file : target.url, target])).values()];
  const summary: IngestSummary = { files: unique.length, added: 0, updated: 0, unchanged: 0, skipped: 0, failed: 0, removedSources: 0, chunks: 0, written: 0, byKind: {}, skippedFiles: [] };
  const counts = (kind: string) => (summary.byKind[kind] ??= { ingested: 0, unchanged: 0, skipped: 0, chunks: 0 });
  report({ type: "planned", total: unique.length });
  for (const [i, target] of unique.entries()) {
    const at = { index: i + 1, total: unique.length };
    const source = "file" in target ? displaySource(target.file, root) : target.url;
    let kind = "file" in target ? kindLabel(target.file) : "web";
    const skip = (reason: string, failed = false) => {
      summary.skipped += 1;
      if (failed) summary.failed += 1;
      counts(kind).skipped += 1;
      summary.skippedFiles.push({ source, reason });
      report({ type: "skipped", ...at, kind, source, reason, failed });
    };
    // Only reading and parsing the source is this file's fault; store or embedding failures stop the run.
    let loaded: { kind: DocumentKind; bytes: Uint8Array } | { reason: string };
    try {
      loaded = "file" in target ? await readTarget(target.file) : await fetchTarget(target.url, options.fetchPage!);
    } catch (error) {
      skip(`could not be read: ${error instanceof Error ? error.message : String(error)}`, true);
      continue;
    }
    if ("reason" in loaded) {
      skip(loaded.reason);
      continue;
    }
    kind = loaded.kind;
    const contentHash = knowledge.contentHash(loaded.bytes);
    const link = "file" in target ? pathToFileURL(target.file).href : target.url;
    const unchanged = await knowledge.unchangedChunks(owner, source, contentHash);
    let result: IngestFileResult;
    if (unchanged !== undefined) result = { source, status: "unchanged", chunks: unchanged, written: 0, removed: 0 };
    else {
      if (textual(loaded.kind) && loaded.bytes.includes(0)) {
        skip("binary content in a text file");
        continue;
      }
      let document: LoadedDocument;
      try {
        document = await loadDocument(loaded.kind, loaded.bytes, source);
      } catch (error) {
        skip(`could not be read as ${loaded.kind}: ${error instanceof Error ? error.message : String(error)}`, true);
        continue;
      }
      result = await knowledge.ingestDocument(owner, source, { document, contentHash, link }, (written) => report({ type: "chunks", written }));
    }
    summary[result.status] += 1;
    summary.chunks += result.chunks;
    summary.written += result.written;
    counts(kind)[result.status === "unchanged" ? "unchanged" : "ingested"] += 1;
    counts(kind).chunks += result.chunks;
    report({ type: "file", ...at, kind, result });
  }
  if (options.prune && folders.length > 0) await prune(knowledge, owner, folders, unique, root, summary, report);
  return summary;
}

async function readTarget(file: string): Promise<{ kind: DocumentKind; bytes: Uint8Array } | { reason: string }> {
  const kind = documentKind(file);
  if (!kind) return { reason: skipReason(file)! };
  return { kind, bytes: new Uint8Array(await readFile(file)) };
}

async function fetchTarget(url: string, fetchPage: PageFetcher): Promise<{ kind: DocumentKind; bytes: Uint8Array } | { reason: string }> {
  const page = await fetchPage(url);
  const type = page.contentType.toLowerCase();
  const kind: DocumentKind | undefined = /html/.test(type) ? "html" : /pdf/.test(type) ? "pdf" : /markdown/.test(type) ? "markdown" : /json/.test(type) ? "json" : /^text\//.test(type) ? "text" : documentKind(new URL(url).pathname);
  return kind ? { kind, bytes: page.body } : { reason: `no loader for content type ${page.contentType}` };
}

async function prune(knowledge: KnowledgeBase, owner: string, folders: string[], targets: Target[], root: string, summary: IngestSummary, report: (event: IngestEvent) => void): Promise<void> {
  const present = new Set(targets.flatMap((target) => ("file" in target ? [displaySource(target.file, root)] : [])));
  const folderSources = folders.map((folder) => displaySource(folder, root));
  const under = (source: string, folder: string) => (folder === "." ? !source.startsWith("/") && !isUrl(source) : source.startsWith(`${folder}/`));
  for (const { source } of await knowledge.sources(owner)) {
    if (!folderSources.some((folder) => under(source, folder)) || present.has(source)) continue;
    const chunks = await knowledge.removeSource(owner, source);
    summary.removedSources += 1;
    report({ type: "removed", source, chunks });
  }
}
