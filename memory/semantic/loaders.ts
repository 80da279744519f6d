/**
 * Reads a document into text sections with the LangChain loaders, chosen by file type: PDF and
 * DOCX and CSV/TSV from `@langchain/community`, text and JSON from `@langchain/classic` (their
 * dedicated package). Each loader is imported only when a file of its type comes, so the optional
 * parsers (pdf-parse, mammoth, d3-dsv) load only for the files that need them. HTML is reduced to
 * text with html-to-text. A type with no loader is reported, never silently dropped.
 */
import { extname } from "node:path";
import type { Document } from "@langchain/core/documents";
import { convert } from "html-to-text";

/** The kinds of document the knowledge base understands. */
export type DocumentKind = "markdown" | "html" | "text" | "pdf" | "docx" | "csv" | "json" | "jsonl";

/** Extensions the ingester understands, by kind. */
export const DOCUMENT_KINDS: Readonly<Record<string, DocumentKind>> = {
  ".md": "markdown",
  ".markdown": "markdown",
  ".mdx": "markdown",
  ".html": "html",
  ".htm": "html",
  ".txt": "text",
  ".text": "text",
  ".rst": "text",
  ".pdf": "pdf",
  ".docx": "docx",
  ".csv": "csv",
  ".tsv": "csv",
  ".json": "json",
  ".jsonl": "jsonl",
  ".ndjson": "jsonl",
};

/** One piece of a loaded document: a page of a PDF, a row of a CSV, a whole text file. */
export interface LoadedSection {
  text: string;
  /** 1-based PDF page. */
  page?: number;
  /** 1-based row (CSV) or line (JSONL) the section came from. */
  row?: number;
}

/** A document read into text. */
export interface LoadedDocument {
  kind: DocumentKind;
  title: string | undefined;
  sections: LoadedSection[];
}

/** The kind of a file by its extension, or undefined when no loader reads it. */
export function documentKind(path: string): DocumentKind | undefined {
  return DOCUMENT_KINDS[extname(path).toLowerCase()];
}

/** Why a file is not ingested, or undefined when a loader reads it. */
export function skipReason(path: string): string | undefined {
  if (documentKind(path)) return undefined;
  const extension = extname(path).toLowerCase();
  return extension ? `no loader for ${extension} files` : "no file extension, so no loader";
}

/** HTML to readable text, headings kept as their own lines. */
export function htmlToText(html: string): string {
  const heading = { options: { uppercase: false } };
  return convert(html, {
    wordwrap: false,
    selectors: [
      { selector: "a", options: { ignoreHref: true } },
      { selector: "img", format: "skip" },
      ...["h1", "h2", "h3", "h4", "h5", "h6"].map((selector) => ({ selector, ...heading })),
      { selector: "table", options: { uppercaseHeaderCells: false } },
    ],
  });
}

/** The title of an HTML or Markdown text, if it declares one. */
export function titleOf(kind: DocumentKind, content: string): string | undefined {
  const match = kind === "html" ? /<title[^>]*>([^<]*)<\/title>/i.exec(content) : kind === "markdown" ? /^#\s+(.+)$/m.exec(content) : undefined;
  return match?.[1]?.trim() || undefined;
}

const texts = (documents: Document[]) => documents.map((document) => document.pageContent);

async function loadSections(kind: DocumentKind, blob: Blob, path: string): Promise<LoadedSection[]> {
  switch (kind) {
    case "pdf": {
      const { PDFLoader } = await import("@langchain/community/document_loaders/fs/pdf");
      const pages = await new PDFLoader(blob, { splitPages: true }).load();
      return pages.map((page) => ({ text: page.pageContent, page: (page.metadata as { loc?: { pageNumber?: number } }).loc?.pageNumber ?? 1 }));
    }
    case "docx": {
      const { DocxLoader } = await import("@langchain/community/document_loaders/fs/docx");
      return texts(await new DocxLoader(blob, { type: "docx" }).load()).map((text) => ({ text }));
    }
    case "csv": {
      const { CSVLoader } = await import("@langchain/community/document_loaders/fs/csv");
      const separator = extname(path).toLowerCase() === ".tsv" ? "\t" : ",";
      return texts(await new CSVLoader(blob, { separator }).load()).map((text, i) => ({ text, row: i + 1 }));
    }
    case "json": {
      const { JSONLoader } = await import("@langchain/classic/document_loaders/fs/json");
      return [{ text: texts(await new JSONLoader(blob).load()).join("\n") }];
    }
    case "jsonl": {
      // JSONLinesLoader needs one pointer for every line; records of any shape go through
      // JSONLoader line by line instead, so every string of each record is kept.
      const { JSONLoader } = await import("@langchain/classic/document_loaders/fs/json");
      const lines = (await blob.text()).split("\n");
      const sections: LoadedSection[] = [];
      for (const [i, line] of lines.entries()) {
        if (line.trim() === "") continue;
        sections.push({ text: texts(await new JSONLoader(new Blob([line])).load()).join("\n"), row: i + 1 });
      }
      return sections;
    }
    default: {
      const { TextLoader } = await import("@langchain/classic/document_loaders/fs/text");
      const [document] = await new TextLoader(blob).load();
      const text = document?.pageContent ?? "";
      return [{ text: kind === "html" ? htmlToText(text) : text }];
    }
  }
}

/** Loads a document's bytes (a file's or a fetched page's) as the loader of its kind reads them. */
export async function loadDocument(kind: DocumentKind, bytes: Uint8Array, path: string): Promise<LoadedDocument> {
  const blob = new Blob([bytes]);
  const textual = kind === "markdown" || kind === "html" || kind === "text";
  const title = textual ? titleOf(kind, new TextDecoder().decode(bytes.subarray(0, 64 * 1024))) : undefined;
  const sections = (await loadSections(kind, blob, path)).filter((section) => section.text.trim() !== "");
  return { kind, title, sections };
}
