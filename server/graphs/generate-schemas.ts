/**
 * `npm run schemas`: runs the TypeScript schema pass over our own graphs once and writes
 * graphs/schemas.generated.json (see own-schemas.ts). Run it after changing a graph's state.
 */
import { writeFile } from "node:fs/promises";
import { getStaticGraphSchema } from "@langchain/langgraph-api/schema";
import { readLanggraphConfig } from "./config.js";
import { OWN_SCHEMAS_FILE, ownSourceHash, type OwnSchemasFile } from "./own-schemas.js";
import { fileURLToPath } from "node:url";
import { resolve } from "node:path";

async function main(): Promise<void> {
  const config = await readLanggraphConfig(fileURLToPath(new URL("../../langgraph.json", import.meta.url)));
  const specs = Object.fromEntries(
    Object.entries(config.graphs).map(([id, spec]) => {
      const [file, exportSymbol] = spec.split(":", 2) as [string, string | undefined];
      return [id, { sourceFile: resolve(config.dir, file), exportSymbol: exportSymbol || "default" }];
    }),
  );
  const started = Date.now();
  process.stderr.write(`schemas: type-checking ${Object.keys(specs).join(", ")} (takes a minute or two)…\n`);
  const ticker = setInterval(() => process.stderr.write(`schemas: still working, ${Math.round((Date.now() - started) / 1000)} s\n`), 15_000);
  try {
    const graphs = await getStaticGraphSchema(specs, { timeoutMs: 900_000 });
    const file: OwnSchemasFile = { sourceHash: await ownSourceHash(), graphs };
    await writeFile(OWN_SCHEMAS_FILE, `${JSON.stringify(file, null, 1)}\n`);
    process.stderr.write(`schemas: wrote ${OWN_SCHEMAS_FILE} in ${Math.round((Date.now() - started) / 1000)} s\n`);
  } finally {
    clearInterval(ticker);
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`schemas: ${(error as Error).message}\n`);
  process.exit(1);
});
