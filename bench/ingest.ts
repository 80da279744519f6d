/**
 * bench:ingest — a 200-file mixed folder (Markdown, text, HTML, CSV, PDF, DOCX) ingested into a
 * RedisStore: chunks per second with the offline embedder (the baseline) and with the stub's
 * OpenAI-compatible embeddings endpoint over HTTP, the cost of re-ingesting the unchanged folder,
 * and re-embedding the ingested store from the offline model to the stub's. Ratios are against
 * the offline full ingest of the same run. Bars (issue 24): a no-change re-ingest embeds nothing.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { connectRedis } from "../lib/redis.js";
import { createEmbeddings, type EmbeddingsChoice } from "../memory/embeddings/factory.js";
import { reembedMemory } from "../memory/reembed.js";
import { RedisStore } from "../memory/redis-store/store.js";
import { ingestPaths, type IngestSummary } from "../memory/semantic/ingest.js";
import { KnowledgeBase } from "../memory/semantic/knowledge-base.js";
import { makeDocx, makePdf, writeFixture } from "../test/support/document-fixtures.js";
import { startOpenAIStub } from "../test/support/openai-stub.js";
import { deleteByPrefix, testRedisUrl } from "../test/support/redis.js";

const WORDS = "harbour lighthouse glacier falcon aurora river bread cheese museum railway bridge forest orchard valley canal market".split(" ");
const sentence = (i: number, j: number) => `Note ${i} line ${j} records that the ${WORDS[(i + j) % WORDS.length]} and the ${WORDS[(i * 3 + j) % WORDS.length]} were surveyed in year ${1900 + ((i * 7 + j) % 120)}.`;
const paragraph = (i: number, lines: number) => Array.from({ length: lines }, (_, j) => sentence(i, j)).join(" ");

async function writeFolder(root: string): Promise<Record<string, number>> {
  const mix: Record<string, number> = { md: 120, txt: 30, html: 20, csv: 10, pdf: 10, docx: 10 };
  for (let i = 0; i < mix.md!; i += 1) writeFixture(root, `md/${i}.md`, `# Note ${i}\n\n${Array.from({ length: 4 }, (_, s) => `## Part ${s}\n\n${paragraph(i + s, 6)}`).join("\n\n")}\n`);
  for (let i = 0; i < mix.txt!; i += 1) writeFixture(root, `txt/${i}.txt`, `${paragraph(i, 12)}\n\n${paragraph(i + 1, 12)}\n`);
  for (let i = 0; i < mix.html!; i += 1) writeFixture(root, `html/${i}.html`, `<html><head><title>Page ${i}</title></head><body><h1>Page ${i}</h1><p>${paragraph(i, 10)}</p><p>${paragraph(i + 2, 10)}</p></body></html>`);
  for (let i = 0; i < mix.csv!; i += 1) writeFixture(root, `csv/${i}.csv`, `site,feature,year\n${Array.from({ length: 60 }, (_, r) => `site ${r},${WORDS[(i + r) % WORDS.length]},${1900 + r}`).join("\n")}\n`);
  for (let i = 0; i < mix.pdf!; i += 1) writeFixture(root, `pdf/${i}.pdf`, await makePdf([paragraph(i, 8), paragraph(i + 1, 8), paragraph(i + 2, 8)]));
  for (let i = 0; i < mix.docx!; i += 1) writeFixture(root, `docx/${i}.docx`, await makeDocx(`Report ${i}`, [paragraph(i, 8), paragraph(i + 3, 8)]));
  return mix;
}

async function main(): Promise<void> {
  const connection = await connectRedis({ url: testRedisUrl() });
  const stub = await startOpenAIStub({ embeddingDimensions: 384 });
  const dir = mkdtempSync(join(tmpdir(), "sb-bench-ingest-"));
  const prefixes: string[] = [];
  try {
    const mix = await writeFolder(dir);
    console.log(`bench:ingest — ${Object.values(mix).reduce((a, b) => a + b, 0)} files (${Object.entries(mix).map(([k, v]) => `${v} ${k}`).join(", ")})`);
    const offline = createEmbeddings({});
    const remote = createEmbeddings({ OPENAI_EMBEDDINGS_MODEL: "stub-embed", OPENAI_EMBEDDINGS_DIMENSIONS: 384, OPENAI_BASE_URL: stub.url });
    const ingest = async (prefix: string, choice: EmbeddingsChoice): Promise<{ summary: IngestSummary; seconds: number }> => {
      prefixes.push(prefix);
      const store = new RedisStore(connection, { keyPrefix: prefix, index: { dims: choice.dims, embeddings: choice.embeddings } });
      await store.setup();
      const started = performance.now();
      const summary = await ingestPaths(new KnowledgeBase(store), "bench", [dir], { root: dir });
      return { summary, seconds: (performance.now() - started) / 1000 };
    };
    const run = `bench:ingest:${process.pid}:`;
    // Warm-up: the loaders' parsers (pdf-parse, mammoth, d3-dsv) load on first use.
    await ingest(`${run}warm:`, offline);
    const base = await ingest(`${run}offline:`, offline);
    const again = await ingest(`${run}offline:`, offline);
    const http = await ingest(`${run}stub:`, remote);
    const rate = (r: { summary: IngestSummary; seconds: number }) => r.summary.written / r.seconds;
    const row = (label: string, r: { summary: IngestSummary; seconds: number }) =>
      console.log(`${label.padEnd(34)} ${r.seconds.toFixed(2).padStart(7)} s  ${String(r.summary.written).padStart(5)} chunks embedded  ${rate(r).toFixed(0).padStart(6)} chunks/s  ×${(r.seconds / base.seconds).toFixed(3)} of baseline time`);
    row("full ingest, offline (baseline)", base);
    row("full ingest, stub embeddings/HTTP", http);
    row("no-change re-ingest, offline", again);
    console.log(`  ${base.summary.chunks} chunks from ${base.summary.files} files; re-ingest: ${again.summary.unchanged} unchanged, ${again.summary.written} embedded (bar: 0).`);

    const started = performance.now();
    const moved = await reembedMemory({ redis: { url: testRedisUrl() }, REDIS_KEY_PREFIX: `${run}offline:` }, { embeddings: remote });
    const seconds = (performance.now() - started) / 1000;
    console.log(`${"re-embed offline -> stub embeddings".padEnd(34)} ${seconds.toFixed(2).padStart(7)} s  ${String(moved.items).padStart(5)} items re-embedded  ${(moved.items / seconds).toFixed(0).padStart(6)} items/s  ×${(seconds / base.seconds).toFixed(3)} of baseline time`);
    if (again.summary.written !== 0) process.exitCode = 1;
  } finally {
    for (const prefix of prefixes) await deleteByPrefix(connection, prefix);
    rmSync(dir, { recursive: true, force: true });
    await stub.close();
    await connection.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
