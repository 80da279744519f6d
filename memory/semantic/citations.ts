/**
 * How a stored knowledge chunk is cited: its title, source, heading path and page, rows or lines,
 * so a reader can find the passage again.
 */
import { basename } from "node:path";
import type { ChunkLocation } from "./chunking.js";

/** A knowledge chunk as stored. */
export interface StoredChunk extends ChunkLocation {
  text: string;
  source: string;
  title: string | null;
  kind: string;
  /** Where a user can open the source. */
  link?: string;
  ingestedAt: string;
}

/** `[Title] source, "Heading > Sub", page 3` (or `rows 4-9`, `lines 10-20`). */
export function citationOf(chunk: StoredChunk): string {
  const label = chunk.title ?? basename(chunk.source);
  const parts = [`[${label}] ${chunk.source}`];
  if (chunk.headings && chunk.headings.length > 0) parts.push(`"${chunk.headings.join(" > ")}"`);
  if (chunk.page) parts.push(`page ${chunk.page}`);
  else if (chunk.rows) parts.push(chunk.rows.from === chunk.rows.to ? `row ${chunk.rows.from}` : `rows ${chunk.rows.from}-${chunk.rows.to}`);
  else if (chunk.lines) parts.push(`lines ${chunk.lines.from}-${chunk.lines.to}`);
  return parts.join(", ");
}
