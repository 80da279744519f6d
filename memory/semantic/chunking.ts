/**
 * Turns a loaded document into passages with `@langchain/textsplitters`, respecting its structure:
 * Markdown is split on headings and code fences and each chunk carries its heading path; a PDF is
 * split page by page, so a chunk never straddles two pages; CSV rows and JSONL records are packed
 * into chunks whole. Each chunk carries a content hash, the identity the record manager keys on.
 */
import { createHash } from "node:crypto";
import { RecursiveCharacterTextSplitter } from "@langchain/textsplitters";
import type { LoadedDocument, LoadedSection } from "./loaders.js";

/** How documents are cut. */
export interface ChunkingOptions {
  /** Target characters per chunk (default 1,000). */
  chunkSize?: number;
  /** Characters shared by neighbouring chunks (default 150). */
  chunkOverlap?: number;
}

/** Where in its document a chunk comes from. */
export interface ChunkLocation {
  /** First and last line in the (converted) text, 1-based. */
  lines?: { from: number; to: number };
  /** PDF page, 1-based. */
  page?: number;
  /** First and last CSV row or JSONL line, 1-based. */
  rows?: { from: number; to: number };
  /** Markdown headings above the chunk, outermost first. */
  headings?: string[];
}

/** One passage of a document. */
export interface DocumentChunk extends ChunkLocation {
  text: string;
  /** sha256 of the text and its location: equal hashes mean nothing to re-embed. */
  hash: string;
}

/** Short sha256 of a chunk's text and location. */
export function chunkHash(text: string, location: ChunkLocation): string {
  return createHash("sha256").update(JSON.stringify(location)).update("\u0000").update(text).digest("hex").slice(0, 24);
}

/** The heading path in force at each line (index 0 = line 1); `#` inside code fences is not a heading. */
export function headingPaths(text: string): string[][] {
  const paths: string[][] = [];
  let current: string[] = [];
  let fenced = false;
  for (const line of text.split("\n")) {
    if (/^\s*(```|~~~)/.test(line)) fenced = !fenced;
    const heading = fenced ? null : /^(#{1,6})\s+(.+?)\s*#*\s*$/.exec(line);
    if (heading) current = [...current.slice(0, heading[1]!.length - 1), heading[2]!];
    paths.push(current);
  }
  return paths;
}

type Splitter = RecursiveCharacterTextSplitter;

async function splitText(splitter: Splitter, text: string): Promise<{ text: string; lines: { from: number; to: number } }[]> {
  const documents = await splitter.createDocuments([text]);
  return documents
    .filter((document) => document.pageContent.trim() !== "")
    .map((document) => {
      const lines = (document.metadata as { loc?: { lines?: { from: number; to: number } } }).loc?.lines;
      return { text: document.pageContent, lines: { from: lines?.from ?? 1, to: lines?.to ?? 1 } };
    });
}

// Rows are packed whole into chunks up to the size; a row longer than a chunk is split alone.
async function packRows(splitter: Splitter, sections: LoadedSection[], size: number): Promise<Omit<DocumentChunk, "hash">[]> {
  const out: Omit<DocumentChunk, "hash">[] = [];
  let batch: LoadedSection[] = [];
  const flush = () => {
    if (batch.length === 0) return;
    out.push({ text: batch.map((row) => row.text).join("\n\n"), rows: { from: batch[0]!.row ?? 1, to: batch.at(-1)!.row ?? 1 } });
    batch = [];
  };
  for (const row of sections) {
    if (row.text.length > size) {
      flush();
      for (const piece of await splitText(splitter, row.text)) out.push({ text: piece.text, rows: { from: row.row ?? 1, to: row.row ?? 1 } });
      continue;
    }
    const length = batch.reduce((sum, item) => sum + item.text.length + 2, 0);
    if (length + row.text.length > size) flush();
    batch.push(row);
  }
  flush();
  return out;
}

/** Splits a loaded document into chunks, each with its location and content hash. */
export async function chunkDocument(document: LoadedDocument, options: ChunkingOptions = {}): Promise<DocumentChunk[]> {
  const params = { chunkSize: options.chunkSize ?? 1_000, chunkOverlap: options.chunkOverlap ?? 150 };
  const splitter = document.kind === "markdown" ? RecursiveCharacterTextSplitter.fromLanguage("markdown", params) : new RecursiveCharacterTextSplitter(params);
  let chunks: Omit<DocumentChunk, "hash">[] = [];
  if (document.kind === "csv" || document.kind === "jsonl") {
    chunks = await packRows(splitter, document.sections, params.chunkSize);
  } else {
    // Line numbers help only where the text is the file's own (Markdown, text, HTML's text);
    // a DOCX's or JSON's extracted text has no lines a reader could find.
    const withLines = document.kind === "markdown" || document.kind === "text" || document.kind === "html";
    for (const section of document.sections) {
      const headings = document.kind === "markdown" ? headingPaths(section.text) : undefined;
      for (const piece of await splitText(splitter, section.text)) {
        const path = headings?.[piece.lines.from - 1];
        chunks.push({
          text: piece.text,
          ...(section.page !== undefined ? { page: section.page } : withLines ? { lines: piece.lines } : {}),
          ...(path && path.length > 0 ? { headings: path } : {}),
        });
      }
    }
  }
  return chunks.map(({ text, ...location }) => ({ text, ...location, hash: chunkHash(text, location) }));
}
