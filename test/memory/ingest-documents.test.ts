/**
 * Ingest of real documents (issue 24): every file type through its loader, unknown types listed
 * as skipped with the reason, citations with page / heading / rows and a link; the record
 * manager makes a second ingest do nothing and a changed file replace exactly its changed chunks,
 * on the Redis store and on the embedded InMemoryStore; web pages and sitemaps come through the
 * network guard (loopback only when allow-listed, private addresses refused).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { InMemoryStore, type BaseStore } from "@langchain/langgraph-checkpoint";
import { guardedPageFetcher } from "../../cli/ingest-web.js";
import { connectRedis, type RedisConnection } from "../../lib/redis.js";
import { HashedNgramEmbeddings } from "../../memory/embeddings/hashed-ngram.js";
import { RedisStore } from "../../memory/redis-store/store.js";
import { ingestPaths } from "../../memory/semantic/ingest.js";
import { KnowledgeBase, knowledgeNamespace } from "../../memory/semantic/knowledge-base.js";
import { writeFixture, writeMixedFolder } from "../support/document-fixtures.js";
import { deleteByPrefix, testRedisUrl, uniquePrefix } from "../support/redis.js";

const index = () => ({ dims: 384, embeddings: new HashedNgramEmbeddings() });

async function chunkKeys(store: BaseStore, owner: string): Promise<Map<string, unknown>> {
  const items = await store.search(knowledgeNamespace(owner), { limit: 10_000 });
  return new Map(items.map((item) => [item.key, item.value]));
}

describe("ingesting real documents", () => {
  let connection: RedisConnection;
  let keyPrefix: string;
  let store: RedisStore;
  let dir: string;

  beforeAll(async () => {
    connection = await connectRedis({ url: testRedisUrl() });
  });
  beforeEach(async () => {
    keyPrefix = uniquePrefix("p24-ingest");
    store = new RedisStore(connection, { keyPrefix, index: index() });
    await store.setup();
    dir = mkdtempSync(join(tmpdir(), "sb-ingest-"));
    await writeMixedFolder(dir);
  });
  afterEach(async () => {
    rmSync(dir, { recursive: true, force: true });
    await deleteByPrefix(connection, keyPrefix);
  });
  afterAll(async () => {
    await connection.close();
  });

  it("reads every type with its loader, lists types with no loader as skipped, and cites page, heading or rows with a link", async () => {
    const knowledge = new KnowledgeBase(store);
    const summary = await ingestPaths(knowledge, "ada", ["."], { root: dir });
    expect(summary).toMatchObject({ files: 11, added: 9, skipped: 2, failed: 0 });
    expect(Object.keys(summary.byKind).sort()).toEqual(["(none)", ".png", "csv", "docx", "html", "json", "jsonl", "markdown", "pdf", "text"]);
    expect(summary.byKind.csv).toMatchObject({ ingested: 2 });
    expect(summary.skippedFiles).toEqual([
      { source: "Makefile", reason: "no file extension, so no loader" },
      { source: "photo.png", reason: "no loader for .png files" },
    ]);

    const [severn] = await knowledge.search("tidal bore Severn river", { owner: "ada", k: 1 });
    expect(severn).toMatchObject({ source: "report.pdf", citation: "[report.pdf] report.pdf, page 2" });
    expect(severn!.link).toMatch(/^file:\/\/.*\/report\.pdf#page=2$/);
    const [falcon] = await knowledge.search("falcon project release", { owner: "ada", k: 1 });
    expect(falcon).toMatchObject({ source: "plan.docx", citation: "[plan.docx] plan.docx" });
    expect(falcon!.text).toContain("ships its first release in March");
    const [berlin] = await knowledge.search("Berlin population", { owner: "ada", k: 1 });
    expect(berlin).toMatchObject({ source: "tables/cities.csv", citation: "[cities.csv] tables/cities.csv, rows 1-2" });
    expect(berlin!.text).toContain("city: Berlin\npopulation: 3700000");
    const [loire] = await knowledge.search("Loire length", { owner: "ada", k: 1 });
    expect(loire!.source).toBe("tables/rivers.tsv");
    expect(loire!.text).toContain("river: Loire\nlength_km: 1006");
    expect((await knowledge.search("lighthouse theme", { owner: "ada", k: 1 }))[0]!.source).toBe("data/settings.json");
    expect((await knowledge.search("glacier survey", { owner: "ada", k: 1 }))[0]!.citation).toBe("[log.jsonl] data/log.jsonl, rows 1-2");
    const [zstd] = await knowledge.search("Linux zstd library", { owner: "ada", k: 1 });
    // The whole guide fits one chunk: it is cited by the heading it starts under.
    expect(zstd!.citation).toBe('[Guide] guide.md, "Guide", lines 1-14');
  });

  it("cuts Markdown at headings and keeps the heading path; a '#' inside a code block is no heading", async () => {
    const knowledge = new KnowledgeBase(store, { chunkSize: 60, chunkOverlap: 0 });
    await ingestPaths(knowledge, "ada", ["guide.md"], { root: dir });
    const chunks = [...(await chunkKeys(store, "ada")).values()] as { text: string; headings?: string[] }[];
    const code = chunks.find((chunk) => chunk.text.includes("npm install toolkit"));
    expect(code).toMatchObject({ headings: ["Guide", "Install"] });
    expect(code!.text).toContain("# not a heading");
    expect(chunks.find((chunk) => chunk.text.includes("zstd"))).toMatchObject({ headings: ["Guide", "Install", "Linux"] });
  });

  it("skips a file its loader cannot read, saying why; an embedding failure stops the run instead", async () => {
    writeFixture(dir, "broken.pdf", "this is not a PDF");
    const summary = await ingestPaths(new KnowledgeBase(new InMemoryStore({ index: index() })), "ada", ["broken.pdf", "notes.txt"], { root: dir });
    expect(summary).toMatchObject({ added: 1, skipped: 1, failed: 1 });
    expect(summary.skippedFiles[0]).toMatchObject({ source: "broken.pdf", reason: expect.stringMatching(/^could not be read as pdf: /) });

    const failing = new HashedNgramEmbeddings();
    failing.embedDocuments = async () => {
      throw new Error("embedding endpoint down");
    };
    const down = new KnowledgeBase(new RedisStore(connection, { keyPrefix, index: { dims: 384, embeddings: failing } }));
    await expect(ingestPaths(down, "bob", ["notes.txt"], { root: dir })).rejects.toThrow(/embedding endpoint down/);
  });

  it("a changed file whose re-ingest dies between two batches ends, when run again, exactly as a clean ingest", async () => {
    let failAt = Infinity;
    let calls = 0;
    const flaky = new HashedNgramEmbeddings();
    const embed = flaky.embedDocuments.bind(flaky);
    flaky.embedDocuments = async (texts) => {
      calls += 1;
      if (calls === failAt) throw new Error("killed");
      return embed(texts);
    };
    const store = new InMemoryStore({ index: { dims: 384, embeddings: flaky } });
    const knowledge = new KnowledgeBase(store, { chunkSize: 60, chunkOverlap: 0 });
    const version = (n: number) => Array.from({ length: 300 }, (_, i) => `Line ${i} of version ${i % 3 === 0 ? n : 1} about the harbour.`).join("\n\n");
    writeFixture(dir, "big.md", version(1));
    await ingestPaths(knowledge, "ada", ["big.md"], { root: dir });
    writeFixture(dir, "big.md", version(2));
    failAt = calls + 2;
    await expect(ingestPaths(knowledge, "ada", ["big.md"], { root: dir })).rejects.toThrow("killed");
    const rerun = await ingestPaths(knowledge, "ada", ["big.md"], { root: dir });
    expect(rerun).toMatchObject({ updated: 1 });

    const clean = new InMemoryStore({ index: index() });
    await ingestPaths(new KnowledgeBase(clean, { chunkSize: 60, chunkOverlap: 0 }), "ada", ["big.md"], { root: dir });
    const texts = async (target: BaseStore) => new Map([...(await chunkKeys(target, "ada"))].map(([key, value]) => [key, (value as { text: string }).text]));
    expect(await texts(store)).toEqual(await texts(clean));
    expect((await texts(clean)).size).toBeGreaterThan(64);
  });

  for (const backend of ["redis", "embedded"] as const) {
    it(`${backend}: a second ingest does nothing; a changed file replaces exactly its changed chunks; prune drops a deleted file`, async () => {
      const target: BaseStore = backend === "redis" ? store : new InMemoryStore({ index: index() });
      const knowledge = new KnowledgeBase(target, { chunkSize: 80, chunkOverlap: 0 });
      const long = Array.from({ length: 8 }, (_, i) => `## Part ${i}\n\nSection ${i} of the handbook covers topic number ${i}.`).join("\n\n");
      writeFixture(dir, "handbook.md", `# Handbook\n\n${long}\n`);
      const first = await ingestPaths(knowledge, "ada", ["."], { root: dir });
      const before = await chunkKeys(target, "ada");
      expect(first.written).toBe(before.size);

      const again = await ingestPaths(knowledge, "ada", ["."], { root: dir });
      expect(again).toMatchObject({ added: 0, updated: 0, unchanged: 10, written: 0 });
      expect(await chunkKeys(target, "ada")).toEqual(before);

      // Change the last section only: the chunks above it keep their keys and are not re-embedded.
      writeFixture(dir, "handbook.md", `# Handbook\n\n${long.replace("topic number 7.", "the lighthouse keeper's duties.")}\n`);
      const changed = await ingestPaths(knowledge, "ada", ["."], { root: dir });
      const after = await chunkKeys(target, "ada");
      const gone = [...before.keys()].filter((key) => !after.has(key));
      const fresh = [...after.keys()].filter((key) => !before.has(key));
      expect(changed).toMatchObject({ updated: 1, unchanged: 9 });
      expect(gone).toHaveLength(1);
      expect(fresh).toHaveLength(1);
      expect(changed.written).toBe(1);
      expect((after.get(fresh[0]!) as { text: string }).text).toContain("lighthouse keeper");

      rmSync(join(dir, "handbook.md"));
      expect((await ingestPaths(knowledge, "ada", ["."], { root: dir })).removedSources).toBe(0);
      expect(await ingestPaths(knowledge, "ada", ["."], { root: dir, prune: true })).toMatchObject({ removedSources: 1 });
      expect([...(await chunkKeys(target, "ada")).values()].some((value) => (value as { source: string }).source === "handbook.md")).toBe(false);
    });
  }

  describe("web pages", () => {
    let server: Server;
    let base: string;
    beforeAll(async () => {
      server = createServer((req, res) => {
        const pages: Record<string, [string, string]> = {
          "/sitemap.xml": ["application/xml", `<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>${base}/lighthouse.html</loc></url><url><loc>${base}/harbour.html</loc></url></urlset>`],
          "/lighthouse.html": ["text/html", "<html><head><title>Lighthouses</title></head><body><h1>Lighthouses</h1><p>The Fastnet lighthouse stands on a rock off Ireland.</p></body></html>"],
          "/harbour.html": ["text/html; charset=utf-8", "<html><body><p>The harbour master logs every ship.</p></body></html>"],
        };
        const page = pages[req.url ?? ""];
        res.writeHead(page ? 200 : 404, { "content-type": page?.[0] ?? "text/plain" }).end(page?.[1] ?? "not found");
      });
      await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
      base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    afterAll(async () => {
      await new Promise((resolve) => server.close(resolve));
    });

    it("ingests a sitemap's pages served on loopback when allow-listed, citing the URL", async () => {
      const knowledge = new KnowledgeBase(store);
      const summary = await ingestPaths(knowledge, "ada", [`${base}/sitemap.xml`], { root: dir, fetchPage: guardedPageFetcher("127.0.0.1") });
      expect(summary).toMatchObject({ files: 2, added: 2, failed: 0 });
      const [hit] = await knowledge.search("Fastnet lighthouse Ireland", { owner: "ada", k: 1 });
      expect(hit).toMatchObject({ source: `${base}/lighthouse.html`, link: `${base}/lighthouse.html` });
      expect(hit!.citation).toMatch(/^\[Lighthouses\] http:\/\/127\.0\.0\.1:\d+\/lighthouse\.html, lines/);
      const again = await ingestPaths(knowledge, "ada", [`${base}/lighthouse.html`], { root: dir, fetchPage: guardedPageFetcher("127.0.0.1") });
      expect(again).toMatchObject({ unchanged: 1, written: 0 });
    });

    it("refuses loopback without the allow-list and a private address even with it, saying why", async () => {
      const knowledge = new KnowledgeBase(store);
      const refused = await ingestPaths(knowledge, "ada", [`${base}/lighthouse.html`, "http://10.20.30.40/intranet.html"], {
        root: dir,
        fetchPage: guardedPageFetcher(undefined),
      });
      expect(refused).toMatchObject({ files: 2, added: 0, skipped: 2, failed: 2 });
      expect(refused.skippedFiles[0]!.reason).toMatch(/127\.0\.0\.1 \(loopback\), which is not a public address/);
      expect(refused.skippedFiles[1]!.reason).toMatch(/10\.20\.30\.40 \(private\), which is not a public address.*TOOL_NET_ALLOWLIST/);
      const allowLoopback = await ingestPaths(knowledge, "ada", ["http://10.20.30.40/intranet.html"], { root: dir, fetchPage: guardedPageFetcher("127.0.0.1") });
      expect(allowLoopback).toMatchObject({ failed: 1 });
      expect(await chunkKeys(store, "ada")).toEqual(new Map());
    });
  });
});
