/**
 * `npm run ingest -- <file or folder>... [--owner <id>] [--chunk-size <n>] [--chunk-overlap <n>]`
 * Chunks Markdown, text and HTML files, embeds them and indexes them in the owner's knowledge
 * (Redis), printing one line per file. Re-running replaces changed files' chunks, skips unchanged
 * files and drops files that left an ingested folder.
 */
import { parseArgs } from "node:util";
import { getEnv } from "../lib/env.js";
import { ConfigError, SwitchboardError } from "../lib/errors.js";
import { createLogger } from "../lib/logger.js";
import { DEFAULT_OWNER, ingestPaths, KnowledgeBase, openStore, type IngestEvent } from "../memory/index.js";

const USAGE = "usage: npm run ingest -- <file or folder>... [--owner <id>] [--chunk-size <chars>] [--chunk-overlap <chars>]";

function positive(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed <= 0) throw new ConfigError(`--${name} must be a positive integer, got '${value}'.`);
  return parsed;
}

function describe(event: IngestEvent): string {
  if (event.type === "removed") return `removed   ${event.source} (file gone; ${event.chunks} chunks dropped)`;
  const at = `[${event.index}/${event.total}]`;
  if (event.type === "skipped") return `${at} skipped   ${event.source} (${event.reason})`;
  const { result } = event;
  const removed = result.removed > 0 ? `, ${result.removed} stale removed` : "";
  return `${at} ${result.status.padEnd(9)} ${result.source} (${result.chunks} chunks${removed})`;
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      owner: { type: "string", default: DEFAULT_OWNER },
      "chunk-size": { type: "string" },
      "chunk-overlap": { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help || positionals.length === 0) {
    console.log(USAGE);
    if (positionals.length === 0 && !values.help) process.exitCode = 2;
    return;
  }
  const env = getEnv();
  if (!env.redis) {
    throw new ConfigError("Ingesting needs a durable store: set REDIS_URL (or REDIS_CLUSTER_NODES); the embedded mode keeps nothing after this command.", {
      setting: "REDIS_URL",
    });
  }
  const chunkSize = positive(values["chunk-size"], "chunk-size");
  const chunkOverlap = positive(values["chunk-overlap"], "chunk-overlap");
  const opened = await openStore(env, { logger: createLogger({ level: env.LOG_LEVEL, name: "ingest" }) });
  try {
    console.log(`Ingesting into owner '${values.owner}' with ${opened.embeddings.description}`);
    const knowledge = new KnowledgeBase(opened.store, { ...(chunkSize ? { chunkSize } : {}), ...(chunkOverlap ? { chunkOverlap } : {}) });
    const started = Date.now();
    const summary = await ingestPaths(knowledge, values.owner, positionals, { onProgress: (event) => console.log(describe(event)) });
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    console.log(
      `Done in ${seconds}s: ${summary.files} files (${summary.added} added, ${summary.updated} updated, ${summary.unchanged} unchanged, ${summary.skipped} skipped), ${summary.removedSources} removed, ${summary.chunks} chunks indexed.`,
    );
  } finally {
    await opened.close();
  }
}

main().catch((error: unknown) => {
  const message = error instanceof SwitchboardError || error instanceof Error ? error.message : String(error);
  console.error(`ingest failed: ${message}`);
  process.exitCode = 1;
});
