/**
 * `npm run new:graph -- <id>`: scaffolds `graphs/<id>/` (state, nodes, routes, graph, a test)
 * and registers it in `graphs/index.ts` and `langgraph.json`, so the CLI, the server and
 * `langgraph dev` all run it at once and `npm test` tests it.
 */
import { existsSync } from "node:fs";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { ConflictError, InvalidInputError } from "../lib/errors.js";
import { graphTemplates } from "./new-graph-templates.js";

const IMPORT_MARKER = "// new:graph imports above this line";
const ENTRY_MARKER = "  // new:graph entries above this line";

/** What the scaffolder wrote. */
export interface ScaffoldResult {
  folder: string;
  files: string[];
}

/** Checks a graph id; throws saying what is wrong. */
export function checkGraphId(id: string | undefined): string {
  if (!id) throw new InvalidInputError("Name the graph: npm run new:graph -- <id> (snake_case, e.g. triage_team).");
  if (!/^[a-z][a-z0-9_]{1,40}$/.test(id)) throw new InvalidInputError(`Graph id '${id}' must be snake_case: a-z, 0-9 and _, starting with a letter (2–41 characters).`);
  if (["shared", "index"].includes(id)) throw new InvalidInputError(`Graph id '${id}' is reserved; pick another.`);
  return id;
}

/** Adds graph `id` to the registry source (an import and an entry at the markers). */
export function registerInSource(source: string, id: string, description: string): string {
  const pascal = id.replace(/(^|_)([a-z0-9])/g, (_m, _s, c: string) => c.toUpperCase());
  if (!source.includes(IMPORT_MARKER) || !source.includes(ENTRY_MARKER)) {
    throw new ConflictError("graphs/index.ts has lost its new:graph markers; add the import and the entry by hand.");
  }
  if (source.includes(`id: "${id}"`)) throw new ConflictError(`Graph '${id}' is already registered in graphs/index.ts.`);
  return source
    .replace(IMPORT_MARKER, `import { create${pascal}Builder } from "./${id}/graph.js";\n${IMPORT_MARKER}`)
    .replace(ENTRY_MARKER, `  { id: "${id}", description: ${JSON.stringify(description)}, createBuilder: create${pascal}Builder as never },\n${ENTRY_MARKER}`);
}

/** Writes the folder and registers the graph under project `root`. */
export async function scaffoldGraph(root: string, id: string, description = "Researches the goal, then writes it up (scaffolded; adapt it)."): Promise<ScaffoldResult> {
  checkGraphId(id);
  const folder = join(root, "graphs", id);
  if (existsSync(folder)) throw new ConflictError(`graphs/${id} already exists; pick another id or remove the folder.`);
  const indexPath = join(root, "graphs", "index.ts");
  const registry = registerInSource(await readFile(indexPath, "utf8"), id, description);
  const configPath = join(root, "langgraph.json");
  const config = JSON.parse(await readFile(configPath, "utf8")) as { graphs: Record<string, string> };
  config.graphs[id] = `./graphs/${id}/graph.ts:graph`;

  await mkdir(folder, { recursive: true });
  const files = Object.entries(graphTemplates(id));
  for (const [name, content] of files) await writeFile(join(folder, name), content, { flag: "wx" });
  await writeFile(indexPath, registry);
  await writeFile(configPath, `${JSON.stringify(config, null, 2)}\n`);
  return { folder, files: files.map(([name]) => join("graphs", id, name)) };
}

if (process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href) {
  const [id, ...rest] = process.argv.slice(2);
  scaffoldGraph(process.cwd(), checkGraphId(id), rest.join(" ") || undefined).then(
    (result) => {
      process.stdout.write(
        `Created ${result.folder} and registered it (graphs/index.ts, langgraph.json):\n${result.files.map((f) => `  ${f}`).join("\n")}\n` +
          `Run it:   npm start -- --graph ${id} "your goal"\nTest it:  npx vitest run graphs/${id}\n`,
      );
    },
    (error: unknown) => {
      process.stderr.write(`new:graph: ${(error as Error).message}\n`);
      process.exit(1);
    },
  );
}
