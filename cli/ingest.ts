/**
 * `npm run ingest -- <file, folder or URL>... [--owner <id>] [--chunk-size <n>] [--chunk-overlap <n>] [--prune]`
 * Reads PDF, DOCX, CSV/TSV, JSON/JSONL, HTML, Markdown and text files and web pages (a sitemap
 * URL brings every page it lists; pages go through the tools' network guard), embeds them and
 * indexes them in the owner's knowledge. Unchanged files cost nothing; changed ones replace their
 * chunks; `--prune` drops files gone from an ingested folder.
 * `npm run ingest -- --reembed` moves knowledge, episodes and skills to the embedding model the
 * environment names now, in place; processes still on the old model keep answering meanwhile.
 */
import { parseArgs } from "node:util";
import { getEnv } from "../lib/env.js";
import { ConfigError, SwitchboardError } from "../lib/errors.js";
import { createLogger } from "../lib/logger.js";
import { DEFAULT_OWNER, ingestPaths, KnowledgeBase, openStore, reembedMemory } from "../memory/index.js";
import { clock, createIngestProgress, summaryTable } from "./ingest-progress.js";
import { guardedPageFetcher } from "./ingest-web.js";

const USAGE = [
  "usage: npm run ingest -- <file, folder or URL>... [--owner <id>] [--chunk-size <chars>] [--chunk-overlap <chars>] [--prune]",
  "       npm run ingest -- --reembed     (move stored vectors to the configured embedding model)",
].join("\n");

function positive(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed <= 0) throw new ConfigError(`--${name} must be a positive integer, got '${value}'.`);
  return parsed;
}

async function reembed(env: ReturnType<typeof getEnv>): Promise<void> {
  const started = Date.now();
  const tty = Boolean(process.stdout.isTTY);
  let last = 0;
  const result = await reembedMemory(env, {
    onProgress: ({ namespace, items, namespacesDone, namespaces }) => {
      const seconds = Math.max(0.001, (Date.now() - started) / 1000);
      const line = `re-embedded ${items} items (${(items / seconds).toFixed(0)}/s), namespace ${namespacesDone + 1}/${namespaces}: ${namespace}`;
      if (tty) process.stdout.write(`\r${line}\x1b[K`);
      else if (Date.now() - last > 1_000) console.log(line);
      last = Date.now();
    },
  });
  if (tty) process.stdout.write("\r\x1b[K");
  if (result.alreadyCurrent) {
    console.log(`Nothing to re-embed: the store already uses ${result.to.embedder} (${result.to.dims} dims).`);
    return;
  }
  console.log(
    `Re-embedded ${result.items} items in ${result.namespaces} namespaces in ${clock((Date.now() - started) / 1000)}: ${result.from.embedder} (${result.from.dims} dims) -> ${result.description}. Searches now use generation ${result.to.generation}; running servers switch within 5 s (one that cannot build the new model keeps the old vectors until restarted with the new settings).`,
  );
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      owner: { type: "string", default: DEFAULT_OWNER },
      "chunk-size": { type: "string" },
      "chunk-overlap": { type: "string" },
      prune: { type: "boolean", default: false },
      reembed: { type: "boolean", default: false },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help || (positionals.length === 0 && !values.reembed)) {
    console.log(USAGE);
    if (!values.help) process.exitCode = 2;
    return;
  }
  const env = getEnv();
  if (!env.redis) {
    throw new ConfigError("Ingesting needs a durable store: set REDIS_URL (or REDIS_CLUSTER_NODES); the embedded mode keeps nothing after this command.", {
      setting: "REDIS_URL",
    });
  }
  if (values.reembed) return reembed(env);
  const chunkSize = positive(values["chunk-size"], "chunk-size");
  const chunkOverlap = positive(values["chunk-overlap"], "chunk-overlap");
  const opened = await openStore(env, { logger: createLogger({ level: env.LOG_LEVEL, name: "ingest" }) });
  try {
    console.log(`Ingesting into owner '${values.owner}' with ${opened.embeddings.description}`);
    const knowledge = new KnowledgeBase(opened.store, { ...(chunkSize ? { chunkSize } : {}), ...(chunkOverlap ? { chunkOverlap } : {}) });
    const progress = createIngestProgress();
    const started = Date.now();
    const summary = await ingestPaths(knowledge, values.owner, positionals, {
      prune: values.prune,
      fetchPage: guardedPageFetcher(env.TOOL_NET_ALLOWLIST),
      onProgress: (event) => progress.onEvent(event),
    });
    progress.finish();
    console.log(summaryTable(summary, (Date.now() - started) / 1000));
    if (summary.failed > 0) process.exitCode = 1;
  } finally {
    await opened.close();
  }
}

main().catch((error: unknown) => {
  const message = error instanceof SwitchboardError || error instanceof Error ? error.message : String(error);
  console.error(`ingest failed: ${message}`);
  process.exitCode = 1;
});
