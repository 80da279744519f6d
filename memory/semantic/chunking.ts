/**
 * Turns a document into passages: Markdown is split on its structure (headings, paragraphs,
 * code fences), HTML is first converted to readable text, plain text is split on paragraphs and
 * sentences. Each chunk remembers the lines it came from, for citations.
 */
import { extname } from "node:path";
import { RecursiveCharacterTextSplitter } from "@langchain/textsplitters";
import { convert } from "html-to-text";

/** Extensions the ingester understands, by kind. */
export const DOCUMENT_KINDS: Record<string, "markdown" | "html" | "text"> = {
  ".md": "markdown",
  ".markdown": "markdown",
  ".mdx": "markdown",
  ".html": "html",
  ".htm": "html",
  ".txt": "text",
  ".text": "text",
  ".rst": "text",
};

/** How documents are cut. */
export interface ChunkingOptions {
  /** Target characters per chunk (default 1,000). */
  chunkSize?: number;
  /** Characters shared by neighbouring chunks (default 150). */
  chunkOverlap?: number;
}

/** One passage of a document. */
export interface DocumentChunk {
  text: string;
  /** First and last line of the chunk in the (converted) text, 1-based. */
  lines: { from: number; to: number };
}

/** A chunked document. */
export interface ChunkedDocument {
  kind: "markdown" | "html" | "text";
  title: string | undefined;
  chunks: DocumentChunk[];
}

/** The kind of a file by its extension, or undefined when it is not ingestible. */
export function documentKind(path: string): ChunkedDocument["kind"] | undefined {
  return DOCUMENT_KINDS[extname(path).toLowerCase()];
}

function htmlToText(html: string): string {
  const heading = { options: { uppercase: false } };
  return convert(html, {
    wordwrap: false,
    selectors: [
      { selector: "a", options: { ignoreHref: true } },
      { selector: "img", format: "skip" },
      { selector: "h1", ...heading },
      { selector: "h2", ...heading },
      { selector: "h3", ...heading },
      { selector: "h4", ...heading },
      { selector: "h5", ...heading },
      { selector: "h6", ...heading },
      { selector: "table", options: { uppercaseHeaderCells: false } },
    ],
  });
}

function titleOf(kind: ChunkedDocument["kind"], content: string): string | undefined {
  const match = kind === "html" ? /<title[^>]*>([^<]*)<\/title>/i.exec(content) : kind === "markdown" ? /^#\s+(.+)$/m.exec(content) : undefined;
  return match?.[1]?.trim() || undefined;
}

/** Splits a document's content into chunks with line ranges. */
export async function chunkDocument(path: string, content: string, options: ChunkingOptions = {}): Promise<ChunkedDocument> {
  const kind = documentKind(path) ?? "text";
  const params = { chunkSize: options.chunkSize ?? 1_000, chunkOverlap: options.chunkOverlap ?? 150 };
  const splitter = kind === "markdown" ? RecursiveCharacterTextSplitter.fromLanguage("markdown", params) : new RecursiveCharacterTextSplitter(params);
  const text = kind === "html" ? htmlToText(content) : content;
  const documents = await splitter.createDocuments([text]);
  const chunks = documents
    .filter((document) => document.pageContent.trim() !== "")
    .map((document) => {
      const lines = (document.metadata as { loc?: { lines?: { from: number; to: number } } }).loc?.lines;
      return { text: document.pageContent, lines: { from: lines?.from ?? 1, to: lines?.to ?? 1 } };
    });
  return { kind, title: titleOf(kind, content), chunks };
}
