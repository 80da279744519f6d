/**
 * `npm run ingest` as a user runs it (issue 24): killed half way through a folder and run again,
 * it ends in the same state as one uninterrupted ingest; another run embeds nothing; the output
 * has plain per-file lines (stdout is no terminal) and the summary table with skipped files.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { connectRedis, type RedisConnection } from "../lib/redis.js";
import { createEmbeddings } from "../memory/embeddings/factory.js";
import { DEFAULT_OWNER } from "../memory/owners.js";
import { RedisStore } from "../memory/redis-store/store.js";
import { ingestPaths } from "../memory/semantic/ingest.js";
import { KnowledgeBase, knowledgeNamespace, knowledgeSourcesNamespace } from "../memory/semantic/knowledge-base.js";
import { writeFixture } from "./support/document-fixtures.js";
import { startOpenAIStub, type OpenAIStub } from "./support/openai-stub.js";
import { deleteByPrefix, testRedisUrl, uniquePrefix } from "./support/redis.js";

const FILES = 30;
const children = new Set<ChildProcess>();

function runIngest(args: string[], env: Record<string, string>, killWhen?: (stdout: string) => boolean): Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, ["--import", "tsx", "cli/ingest.ts", ...args], { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
  children.add(child);
  child.on("exit", () => children.delete(child));
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk) => {
    stdout += chunk;
    if (killWhen?.(stdout)) child.kill("SIGKILL");
  });
  child.stderr.on("data", (chunk) => (stderr += chunk));
  return new Promise((resolve) => child.on("exit", (code, signal) => resolve({ code, signal, stdout, stderr })));
}

describe("npm run ingest", () => {
  let connection: RedisConnection;
  let stub: OpenAIStub;
  let dir: string;
  const prefixes: string[] = [];

  beforeAll(async () => {
    connection = await connectRedis({ url: testRedisUrl() });
    // Each embeddings call waits, so the ingest is long enough to kill in the middle.
    stub = await startOpenAIStub({ embeddingDelayMs: 40 });
    dir = mkdtempSync(join(tmpdir(), "sb-ingest-cli-"));
    for (let i = 0; i < FILES; i += 1) {
      const sections = Array.from({ length: 3 }, (_, s) => `## Section ${s}\n\n${`File ${i} section ${s} describes harbour number ${i * 10 + s}. `.repeat(8)}`);
      writeFixture(dir, `docs/file-${String(i).padStart(2, "0")}.md`, `# File ${i}\n\n${sections.join("\n\n")}\n`);
    }
    writeFixture(dir, "docs/photo.png", Buffer.from([0x89, 0x50, 0x4e, 0x47, 0]));
  });
  afterAll(async () => {
    // A test that timed out may leave an ingest running; it must not write after the clean-up.
    for (const child of children) child.kill("SIGKILL");
    await Promise.all([...children].map((child) => new Promise((resolve) => child.once("exit", resolve))));
    for (const prefix of prefixes) await deleteByPrefix(connection, prefix);
    rmSync(dir, { recursive: true, force: true });
    await stub.close();
    await connection.close();
  });

  const envFor = (prefix: string) => ({
    SWITCHBOARD_SKIP_DOTENV: "1",
    REDIS_URL: testRedisUrl(),
    REDIS_KEY_PREFIX: prefix,
    OPENAI_EMBEDDINGS_MODEL: "stub-embed",
    OPENAI_EMBEDDINGS_DIMENSIONS: "64",
    OPENAI_BASE_URL: stub.url,
    LOG_LEVEL: "error",
  });

  async function state(prefix: string): Promise<{ chunks: Map<string, string>; manifests: Map<string, unknown> }> {
    const store = new RedisStore(connection, { keyPrefix: prefix });
    const chunks = await store.search(knowledgeNamespace(DEFAULT_OWNER), { limit: 10_000 });
    const manifests = await store.search(knowledgeSourcesNamespace(DEFAULT_OWNER), { limit: 10_000 });
    return {
      chunks: new Map(chunks.map((item) => [item.key, String(item.value.text)])),
      manifests: new Map(manifests.map((item) => [item.key, { ...item.value, ingestedAt: undefined }])),
    };
  }

  it("killed half way and run again, ends where one full run ends; another run embeds nothing", async () => {
    const prefix = uniquePrefix("p24-ingest-cli");
    const reference = uniquePrefix("p24-ingest-ref");
    prefixes.push(prefix, reference);

    const killed = await runIngest([join(dir, "docs")], envFor(prefix), (stdout) => stdout.includes(`[6/${FILES + 1}]`));
    expect(killed.signal).toBe("SIGKILL");
    expect(killed.stdout).not.toMatch(/files in [\d.]+s/);
    const partial = await state(prefix);
    expect(partial.manifests.size).toBeGreaterThan(0);
    expect(partial.manifests.size).toBeLessThan(FILES);

    const rerun = await runIngest([join(dir, "docs")], envFor(prefix));
    expect(rerun.code, rerun.stderr).toBe(0);
    expect(rerun.stdout).toMatch(/unchanged +.*\(\d+ chunks\)/);
    expect(rerun.stdout).toMatch(/^type +ingested +unchanged +skipped +chunks$/m);
    expect(rerun.stdout).toMatch(/^\.png +0 +0 +1 +0$/m);
    expect(rerun.stdout).toContain("skipped: ");
    expect(rerun.stdout).toMatch(/photo\.png \(no loader for \.png files\)/);

    // The same folder ingested once, without interruption, in this process.
    const target = createEmbeddings({ OPENAI_EMBEDDINGS_MODEL: "stub-embed", OPENAI_EMBEDDINGS_DIMENSIONS: 64, OPENAI_BASE_URL: stub.url });
    const store = new RedisStore(connection, { keyPrefix: reference, index: { dims: target.dims, embeddings: target.embeddings } });
    await store.setup();
    await ingestPaths(new KnowledgeBase(store), DEFAULT_OWNER, [join(dir, "docs")]);
    const once = await state(reference);
    const resumed = await state(prefix);
    expect(resumed.chunks).toEqual(once.chunks);
    expect(resumed.manifests).toEqual(once.manifests);

    const resumedStore = new RedisStore(connection, { keyPrefix: prefix, index: { dims: target.dims, embeddings: target.embeddings } });
    await resumedStore.setup();
    const embedCalls = stub.requests.length;
    const third = await ingestPaths(new KnowledgeBase(resumedStore), DEFAULT_OWNER, [join(dir, "docs")]);
    expect(third).toMatchObject({ added: 0, updated: 0, unchanged: FILES, skipped: 1, written: 0 });
    expect(stub.requests.length).toBe(embedCalls);
  }, 180_000);
});
