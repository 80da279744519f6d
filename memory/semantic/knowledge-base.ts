/**
 * Semantic memory: documents chunked, embedded and indexed per owner with their source, and the
 * retriever behind the `search_knowledge` tool.
 *
 * Layout: chunks at ["owners", <owner>, "knowledge"] keyed "<sourceId>:<chunk hash>"; one
 * manifest per source at ["owners", <owner>, "knowledge_sources"] keyed by sourceId. The manifest
 * is a record manager's index (source → content hash, chunk ids) kept in the same store as the
 * chunks, so it lives in Redis when Redis is configured and in memory in the embedded mode.
 * Because a chunk's key is its content hash, a changed file writes (and embeds) only the chunks
 * that changed and deletes exactly the ones that went; an unchanged file costs one read.
 */
import { createHash } from "node:crypto";
import type { BaseStore } from "@langchain/langgraph-checkpoint";
import type { KnowledgePassage } from "../../lib/contracts/memory.js";
import { ownerNamespace } from "../owners.js";
import { chunkDocument, type ChunkingOptions, type ChunkLocation } from "./chunking.js";
import { htmlToText as htmlText, titleOf, type DocumentKind, type LoadedDocument } from "./loaders.js";
import { citationOf, type StoredChunk } from "./citations.js";

/** What is stored per source: the record manager's entry. */
interface SourceManifest {
  source: string;
  contentHash: string;
  /** Keys of the source's chunks; while `writing`, every key that may exist (old and new). */
  chunkIds?: string[];
  /** Manifests written before chunk ids were recorded keyed chunks "<sourceId>:<n>". */
  chunkCount: number;
  title: string | null;
  state: "writing" | "complete";
  ingestedAt: string;
}

/** A document ready to index: loaded, with the hash of the bytes it came from. */
export interface DocumentInput {
  document: LoadedDocument;
  /** From `KnowledgeBase.contentHash(bytes)`; equal hashes mean nothing to do. */
  contentHash: string;
  /** Where a user can open the source (a URL, a `file://` link). */
  link?: string;
}

/** The outcome of ingesting one document. */
export interface IngestFileResult {
  source: string;
  status: "added" | "updated" | "unchanged";
  chunks: number;
  /** Chunks embedded and written by this call. */
  written: number;
  /** Chunks of the previous version that were removed. */
  removed: number;
}

// Bump when loading or chunking changes, so re-ingest re-chunks unchanged files.
const CHUNKING_VERSION = "2";
/** Chunks embedded per store call: progress moves and a kill loses little. */
const WRITE_BATCH = 64;

/** Namespace of an owner's knowledge chunks. */
export function knowledgeNamespace(owner: string): string[] {
  return ownerNamespace(owner, "knowledge");
}

/** Namespace of an owner's source manifests. */
export function knowledgeSourcesNamespace(owner: string): string[] {
  return ownerNamespace(owner, "knowledge_sources");
}

/** Stable id of a source (its display path or URL). */
export function sourceId(source: string): string {
  return createHash("sha256").update(source).digest("hex").slice(0, 20);
}

const chunkIdsOf = (manifest: SourceManifest, id: string) => manifest.chunkIds ?? Array.from({ length: manifest.chunkCount }, (_, n) => `${id}:${n}`);

/** An owner-scoped knowledge base over any BaseStore with a vector index. */
export class KnowledgeBase {
  constructor(
    private readonly store: BaseStore,
    private readonly chunking: ChunkingOptions = {},
  ) {}

  /** The hash that decides whether a source changed: its bytes, and how they are chunked. */
  contentHash(bytes: Uint8Array | string): string {
    return createHash("sha256").update(`${CHUNKING_VERSION}\u0000${JSON.stringify(this.chunking)}\u0000`).update(bytes).digest("hex");
  }

  /** The chunk count of `source` if it is fully indexed with this content hash, else undefined. */
  async unchangedChunks(owner: string, source: string, contentHash: string): Promise<number | undefined> {
    const manifest = (await this.store.get(knowledgeSourcesNamespace(owner), sourceId(source)))?.value as SourceManifest | undefined;
    return manifest?.state === "complete" && manifest.contentHash === contentHash ? manifest.chunkCount : undefined;
  }

  /**
   * Indexes a document under `source`, replacing what an earlier version left. Plain text content
   * is read by its extension's kind (Markdown, HTML, text). `onChunks` hears of every batch embedded.
   */
  async ingestDocument(owner: string, source: string, input: string | DocumentInput, onChunks?: (written: number) => void): Promise<IngestFileResult> {
    const prepared = typeof input === "string" ? this.fromText(source, input) : input;
    const id = sourceId(source);
    const sources = knowledgeSourcesNamespace(owner);
    const previous = (await this.store.get(sources, id))?.value as SourceManifest | undefined;
    if (previous?.state === "complete" && previous.contentHash === prepared.contentHash) {
      return { source, status: "unchanged", chunks: previous.chunkCount, written: 0, removed: 0 };
    }
    const { document, contentHash, link } = prepared;
    const chunks = await chunkDocument(document, this.chunking);
    const title = document.title ?? null;
    const seen = new Map<string, number>();
    const keyed = chunks.map((chunk) => {
      const base = `${id}:${createHash("sha256").update(`${title}\u0000${chunk.hash}`).digest("hex").slice(0, 24)}`;
      const repeat = seen.get(base) ?? 0;
      seen.set(base, repeat + 1);
      return { chunk, key: repeat === 0 ? base : `${base}.${repeat}` };
    });
    const newIds = keyed.map(({ key }) => key);
    const oldIds = previous ? chunkIdsOf(previous, id) : [];
    const manifest = (state: SourceManifest["state"], chunkIds: string[]): SourceManifest => ({
      source, contentHash, chunkIds, chunkCount: state === "complete" ? chunkIds.length : newIds.length, title, state, ingestedAt: new Date().toISOString(),
    });
    // Record every key that may exist before writing any: if this run dies midway, the next one
    // still knows each chunk it has to keep or remove.
    await this.store.put(sources, id, manifest("writing", [...new Set([...oldIds, ...newIds])]), false);
    const namespace = knowledgeNamespace(owner);
    const oldSet = new Set(oldIds);
    const newSet = new Set(newIds);
    const kept = new Set(previous ? await this.existing(namespace, newIds.filter((key) => oldSet.has(key))) : []);
    const toWrite = keyed.filter(({ key }) => !kept.has(key));
    const ingestedAt = new Date().toISOString();
    for (let start = 0; start < toWrite.length; start += WRITE_BATCH) {
      const batch = toWrite.slice(start, start + WRITE_BATCH);
      await this.store.batch(
        batch.map(({ chunk, key }) => {
          const value: StoredChunk = { ...location(chunk), text: chunk.text, source, title, kind: document.kind, ...(link ? { link } : {}), ingestedAt };
          return { namespace, key, value: value as unknown as Record<string, unknown>, index: ["text"] };
        }),
      );
      onChunks?.(batch.length);
    }
    const stale = oldIds.filter((key) => !newSet.has(key));
    if (stale.length > 0) await this.store.batch(stale.map((key) => ({ namespace, key, value: null })));
    await this.store.put(sources, id, manifest("complete", newIds), false);
    return { source, status: previous ? "updated" : "added", chunks: newIds.length, written: toWrite.length, removed: stale.length };
  }

  /** Removes a source and all its chunks; returns how many chunks went. */
  async removeSource(owner: string, source: string): Promise<number> {
    const id = sourceId(source);
    const manifest = (await this.store.get(knowledgeSourcesNamespace(owner), id))?.value as SourceManifest | undefined;
    if (!manifest) return 0;
    const keys = chunkIdsOf(manifest, id);
    await this.store.batch(keys.map((key) => ({ namespace: knowledgeNamespace(owner), key, value: null })));
    await this.store.delete(knowledgeSourcesNamespace(owner), id);
    return keys.length;
  }

  /** Every source ingested for an owner. */
  async sources(owner: string): Promise<{ source: string; chunks: number; title: string | null; ingestedAt: string }[]> {
    const out: { source: string; chunks: number; title: string | null; ingestedAt: string }[] = [];
    for (let offset = 0; ; offset += 500) {
      const page = await this.store.search(knowledgeSourcesNamespace(owner), { limit: 500, offset });
      for (const item of page) {
        const manifest = item.value as SourceManifest;
        out.push({ source: manifest.source, chunks: manifest.chunkCount, title: manifest.title, ingestedAt: manifest.ingestedAt });
      }
      if (page.length < 500) return out;
    }
  }

  /** The `k` passages of `owner`'s knowledge most relevant to `query`, with citations and links. */
  async search(query: string, options: { owner: string; k: number }): Promise<KnowledgePassage[]> {
    const found = await this.store.search(knowledgeNamespace(options.owner), { query, limit: options.k });
    return found.map((item) => {
      const value = item.value as unknown as StoredChunk;
      return {
        text: value.text,
        source: value.source,
        citation: citationOf(value),
        ...(value.link ? { link: value.page ? `${value.link}#page=${value.page}` : value.link } : {}),
        ...(item.score === undefined ? {} : { score: item.score }),
      };
    });
  }

  private fromText(source: string, content: string): DocumentInput {
    const kind: DocumentKind = /\.(md|markdown|mdx)$/i.test(source) ? "markdown" : /\.html?$/i.test(source) ? "html" : "text";
    // Text given directly skips the loaders, which read bytes; the HTML conversion is the same.
    const text = kind === "html" ? htmlText(content) : content;
    return { document: { kind, title: titleOf(kind, content), sections: [{ text }] }, contentHash: this.contentHash(content) };
  }

  private async existing(namespace: string[], keys: string[]): Promise<string[]> {
    if (keys.length === 0) return [];
    const found = await this.store.batch(keys.map((key) => ({ namespace, key })));
    return keys.filter((_, i) => found[i] !== null && found[i] !== undefined);
  }
}

function location(chunk: ChunkLocation): ChunkLocation {
  const { lines, page, rows, headings } = chunk;
  return { ...(lines ? { lines } : {}), ...(page ? { page } : {}), ...(rows ? { rows } : {}), ...(headings ? { headings } : {}) };
}
