/**
 * Semantic memory: documents chunked, embedded and indexed per owner with their source, and the
 * retriever behind the `search_knowledge` tool. Re-ingesting a changed file replaces its chunks;
 * an unchanged file is skipped; a file gone from an ingested folder is removed.
 *
 * Layout: chunks at ["owners", <owner>, "knowledge"] keyed "<sourceId>:<n>"; one manifest per
 * source at ["owners", <owner>, "knowledge_sources"] keyed by sourceId.
 */
import { createHash } from "node:crypto";
import { basename } from "node:path";
import type { BaseStore } from "@langchain/langgraph-checkpoint";
import type { KnowledgePassage } from "../../lib/contracts/memory.js";
import { ownerNamespace } from "../owners.js";
import { chunkDocument, type ChunkingOptions } from "./chunking.js";

/** What is stored per source. */
interface SourceManifest {
  source: string;
  contentHash: string;
  chunkCount: number;
  title: string | null;
  state: "writing" | "complete";
  ingestedAt: string;
}

/** The outcome of ingesting one file. */
export interface IngestFileResult {
  source: string;
  status: "added" | "updated" | "unchanged";
  chunks: number;
  /** Chunks of the previous version that were removed. */
  removed: number;
}

// Bump when chunking changes, so re-ingest re-chunks unchanged files.
const CHUNKING_VERSION = "1";

/** Namespace of an owner's knowledge chunks. */
export function knowledgeNamespace(owner: string): string[] {
  return ownerNamespace(owner, "knowledge");
}

/** Namespace of an owner's source manifests. */
export function knowledgeSourcesNamespace(owner: string): string[] {
  return ownerNamespace(owner, "knowledge_sources");
}

/** Stable id of a source (its display path). */
export function sourceId(source: string): string {
  return createHash("sha256").update(source).digest("hex").slice(0, 20);
}

/** An owner-scoped knowledge base over any BaseStore with a vector index. */
export class KnowledgeBase {
  constructor(
    private readonly store: BaseStore,
    private readonly chunking: ChunkingOptions = {},
  ) {}

  /** Indexes one document's content under `source`, replacing what an earlier version left. */
  async ingestDocument(owner: string, source: string, content: string): Promise<IngestFileResult> {
    const id = sourceId(source);
    const contentHash = createHash("sha256").update(`${CHUNKING_VERSION}\u0000${JSON.stringify(this.chunking)}\u0000${content}`).digest("hex");
    const previous = (await this.store.get(knowledgeSourcesNamespace(owner), id))?.value as SourceManifest | undefined;
    if (previous?.state === "complete" && previous.contentHash === contentHash) {
      return { source, status: "unchanged", chunks: previous.chunkCount, removed: 0 };
    }
    const document = await chunkDocument(source, content, this.chunking);
    const count = document.chunks.length;
    const previousCount = previous?.chunkCount ?? 0;
    const manifest = (state: SourceManifest["state"], chunkCount: number): SourceManifest => ({
      source, contentHash, chunkCount, title: document.title ?? null, state, ingestedAt: new Date().toISOString(),
    });
    // Announce the larger count first: if this run dies midway, the next one still knows every
    // chunk key that may exist and removes the leftovers.
    await this.store.put(knowledgeSourcesNamespace(owner), id, manifest("writing", Math.max(count, previousCount)), false);
    const ingestedAt = new Date().toISOString();
    await this.store.batch(
      document.chunks.map((chunk, n) => ({
        namespace: knowledgeNamespace(owner),
        key: `${id}:${n}`,
        value: { text: chunk.text, source, sourceId: id, chunk: n, chunks: count, title: document.title ?? null, kind: document.kind, lines: chunk.lines, ingestedAt },
        index: ["text"],
      })),
    );
    const stale = Array.from({ length: Math.max(0, previousCount - count) }, (_, i) => count + i);
    if (stale.length > 0) {
      await this.store.batch(stale.map((n) => ({ namespace: knowledgeNamespace(owner), key: `${id}:${n}`, value: null })));
    }
    await this.store.put(knowledgeSourcesNamespace(owner), id, manifest("complete", count), false);
    return { source, status: previous ? "updated" : "added", chunks: count, removed: stale.length };
  }

  /** Removes a source and all its chunks; returns how many chunks went. */
  async removeSource(owner: string, source: string): Promise<number> {
    const id = sourceId(source);
    const manifest = (await this.store.get(knowledgeSourcesNamespace(owner), id))?.value as SourceManifest | undefined;
    if (!manifest) return 0;
    const keys = Array.from({ length: manifest.chunkCount }, (_, n) => `${id}:${n}`);
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

  /** The `k` passages of `owner`'s knowledge most relevant to `query`, with citations. */
  async search(query: string, options: { owner: string; k: number }): Promise<KnowledgePassage[]> {
    const found = await this.store.search(knowledgeNamespace(options.owner), { query, limit: options.k });
    return found.map((item) => {
      const value = item.value as { text: string; source: string; title: string | null; kind: string; chunk: number; chunks: number; lines: { from: number; to: number } };
      const label = value.title ?? basename(value.source);
      const where = value.kind === "html" ? `part ${value.chunk + 1} of ${value.chunks}` : `lines ${value.lines.from}-${value.lines.to}`;
      return { text: value.text, source: value.source, citation: `[${label}] ${value.source}, ${where}`, ...(item.score === undefined ? {} : { score: item.score }) };
    });
  }
}
