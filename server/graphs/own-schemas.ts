/**
 * Our own graphs' schemas from the TypeScript pass, made ahead of time: the pass type-checks the
 * whole project (a minute or two on a small machine), too slow to make Studio or a test wait for on
 * every start. `npm run schemas` writes graphs/schemas.generated.json with a hash of the sources it
 * read; the server uses the file only while the hash still matches, else it runs the pass itself
 * (the same answer, later) and says so.
 */
import { createHash } from "node:crypto";
import { readdir, readFile } from "node:fs/promises";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import type { GraphSchema } from "@langchain/langgraph-api/schema";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
/** Where the generated schemas live. */
export const OWN_SCHEMAS_FILE = join(ROOT, "graphs", "schemas.generated.json");
/**
 * The files a graph's state types are declared in (states, rail channels and the run vocabulary
 * they use). A state type drawn from elsewhere would not mark the file stale: keep states here.
 */
const TYPE_SOURCES = [/^graphs\/[^/]+\/state\.ts$/, /^graphs\/shared\/run\.ts$/, /^agents\/rails\/(channels|budgets|loops)\.ts$/, /^lib\/contracts\/[^/]+\.ts$/];

/** The file's shape: the sources' hash, and per graph id the extractor's answer (root and `root|ns` keys). */
export interface OwnSchemasFile {
  sourceHash: string;
  graphs: Record<string, Record<string, GraphSchema>>;
}

async function sourceFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  const nested = await Promise.all(
    entries.map((entry) => {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) return sourceFiles(path);
      return entry.name.endsWith(".ts") && !entry.name.endsWith(".test.ts") ? [path] : [];
    }),
  );
  return nested.flat();
}

/** A hash of every source file a graph's types can come from (paths and contents). */
export async function ownSourceHash(): Promise<string> {
  const candidates = (await Promise.all(["graphs", "agents", "lib"].map((dir) => sourceFiles(join(ROOT, dir))))).flat();
  const files = candidates.filter((file) => TYPE_SOURCES.some((pattern) => pattern.test(relative(ROOT, file)))).sort();
  const hash = createHash("sha256");
  for (const file of files) hash.update(relative(ROOT, file)).update("\0").update(await readFile(file)).update("\0");
  return hash.digest("hex");
}

/** The generated schemas when they match the sources; a reason otherwise. */
export async function readOwnSchemas(): Promise<{ schemas?: OwnSchemasFile["graphs"]; stale?: string }> {
  let file: OwnSchemasFile;
  try {
    file = JSON.parse(await readFile(OWN_SCHEMAS_FILE, "utf8")) as OwnSchemasFile;
  } catch {
    return { stale: `${relative(ROOT, OWN_SCHEMAS_FILE)} is missing: run 'npm run schemas' (a minute or two)` };
  }
  if (file.sourceHash !== (await ownSourceHash())) return { stale: `${relative(ROOT, OWN_SCHEMAS_FILE)} is older than the state sources: run 'npm run schemas' (a minute or two)` };
  return { schemas: file.graphs };
}
