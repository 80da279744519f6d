/**
 * The files that hold eval cases: `evals/datasets/<name>.jsonl` (one case a line) or
 * `<name>.yaml` / `.yml` (a list of cases) / `.json` (an array of cases), or such a file anywhere, given by its path. A case
 * the file gets wrong (not JSON, a field failing the schema, an unknown graph, a repeated id)
 * is kept as an invalid case, which the run reports as failed with the reason, so one bad line
 * does not hide the verdicts of the others.
 */
import { readFileSync, readdirSync } from "node:fs";
import { basename, extname, join } from "node:path";
import { LineCounter, isMap, isSeq, parseDocument } from "yaml";
import { InvalidInputError } from "../lib/errors.js";
import { GRAPHS } from "../graphs/index.js";
import { evalCaseSchema, type EvalCase } from "./case.js";

/** The folder of the shipped datasets. */
export const DATASETS_DIR = new URL("./datasets/", import.meta.url).pathname;

/** File endings a dataset may have; YAML ones hold a list of cases, a .json one a JSON array of them (or JSONL). */
export const DATASET_EXTENSIONS = [".jsonl", ".yaml", ".yml", ".json"] as const;

/** One case as written, before validation: where it is in its file and its value (or why it has none). */
interface RawEntry {
  where: string;
  raw?: unknown;
  error?: string;
}

/** Parses one dataset's text (`format` jsonl or yaml); problems name the dataset, the line and the field; unknown fields are dropped with a warning. */
export function parseDataset(name: string, text: string, warn: (message: string) => void = () => undefined, format: "jsonl" | "yaml" = "jsonl"): EvalCase[] {
  const cases = (format === "yaml" ? yamlEntries(text) : jsonlEntries(text)).map((entry) => toCase(name, entry, warn));
  return markDuplicates(cases, `twice in dataset '${name}'`);
}

/** Loads the named datasets (all of `dir` when none is named); a name with a path separator or a dataset file ending is a file path. */
export function loadDatasets(names: readonly string[] = [], dir: string = DATASETS_DIR, warn?: (message: string) => void): EvalCase[] {
  const files = readdirSync(dir).filter((file) => DATASET_EXTENSIONS.some((ext) => file.endsWith(ext)));
  const available = [...new Set(files.map((file) => basename(file, extname(file))))].sort();
  const wanted = names.length > 0 ? [...new Set(names)] : available;
  const missing = wanted.filter((name) => !isPath(name) && !available.includes(name));
  if (missing.length > 0) throw new InvalidInputError(`No dataset '${missing.join("', '")}' in ${dir}: available are ${available.join(", ") || "none"} (or pass the path of a .jsonl or .yaml file).`);
  const cases = wanted.flatMap((name) => {
    const path = isPath(name) ? name : join(dir, files.find((file) => basename(file, extname(file)) === name)!);
    const text = readText(path);
    // YAML reads a JSON array too (JSON is YAML), naming the line of each case.
    const format = /\.ya?ml$/i.test(path) || (/\.json$/i.test(path) && text.trimStart().startsWith("[")) ? "yaml" : "jsonl";
    return parseDataset(isPath(name) ? basename(name, extname(name)) : name, text, warn, format);
  });
  return markDuplicates(cases, "in two datasets");
}

function isPath(name: string): boolean {
  return name.includes("/") || name.includes("\\") || DATASET_EXTENSIONS.some((ext) => name.toLowerCase().endsWith(ext));
}

function jsonlEntries(text: string): RawEntry[] {
  const entries: RawEntry[] = [];
  for (const [index, line] of text.split("\n").entries()) {
    if (line.trim() === "" || line.trimStart().startsWith("//")) continue;
    try {
      entries.push({ where: `line ${index + 1}`, raw: JSON.parse(line) });
    } catch (error) {
      entries.push({ where: `line ${index + 1}`, error: `not JSON (one case a line, the whole case on that line): ${(error as Error).message}` });
    }
  }
  return entries;
}

function yamlEntries(text: string): RawEntry[] {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  if (doc.errors.length > 0) return [{ where: `line ${lines.linePos(doc.errors[0]!.pos[0]).line}`, error: `not YAML: ${doc.errors[0]!.message}` }];
  if (doc.contents === null) return [];
  // A list of cases; a lone mapping is one case.
  const items = isSeq(doc.contents) ? doc.contents.items : isMap(doc.contents) ? [doc.contents] : undefined;
  if (!items) return [{ where: "line 1", error: "a YAML dataset is a list of cases (each a mapping with id, graph, goal, expect…)" }];
  return items.map((item) => {
    const start = (item as { range?: [number, number, number] }).range?.[0] ?? 0;
    return { where: `line ${lines.linePos(start).line}`, raw: (item as { toJSON(): unknown }).toJSON() };
  });
}

function toCase(name: string, entry: RawEntry, warn: (message: string) => void): EvalCase {
  const at = `Dataset '${name}' ${entry.where}`;
  const warnings: string[] = [];
  if (entry.error !== undefined) return invalidCase(name, entry, `${at}: ${entry.error}`);
  let raw = entry.raw;
  let parsed = evalCaseSchema.safeParse(raw);
  // Unknown fields alone do not sink a case, but a typo must not pass silently either.
  if (!parsed.success && parsed.error.issues.every((issue) => issue.code === "unrecognized_keys")) {
    const unknown = parsed.error.issues.flatMap((issue) => (issue as { keys: string[] }).keys.map((key) => [...issue.path, key].join(".")));
    warnings.push(`${at}: ignored unknown field(s) ${unknown.join(", ")} (a typo? see the case schema in evals/case.ts).`);
    warn(warnings[0]!);
    raw = dropKeys(raw, parsed.error.issues as { path: PropertyKey[]; keys: string[] }[]);
    parsed = evalCaseSchema.safeParse(raw);
  }
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    return invalidCase(name, entry, `${at}: ${issue.path.join(".") || "case"}: ${issue.message}`);
  }
  return { ...parsed.data, dataset: name, ...(warnings.length > 0 ? { warnings } : {}) };
}

/** A case that cannot run, named by its id when it has one (else by where it is), so the report can say why. */
function invalidCase(dataset: string, entry: RawEntry, reason: string): EvalCase {
  const raw = (typeof entry.raw === "object" && entry.raw !== null ? entry.raw : {}) as Record<string, unknown>;
  const text = (value: unknown) => (typeof value === "string" && value.trim() !== "" ? value : undefined);
  const base = evalCaseSchema.parse({ id: "invalid", graph: GRAPHS[0]!.id, goal: "-" });
  return { ...base, id: text(raw.id) ?? `${dataset}:${entry.where.replace(" ", "-")}`, graph: text(raw.graph) ?? "(no graph)", goal: text(raw.goal) ?? "", dataset, invalid: reason };
}

/** The second case of an id becomes invalid: ids name cases in reports and baselines. */
function markDuplicates(cases: EvalCase[], how: string): EvalCase[] {
  const seen = new Set<string>();
  return cases.map((item) => {
    if (!seen.has(item.id)) {
      seen.add(item.id);
      return item;
    }
    let id = `${item.id}~2`;
    for (let n = 3; seen.has(id); n += 1) id = `${item.id}~${n}`;
    seen.add(id);
    return { ...item, id, invalid: `Case id '${item.id}' is ${how} (the second is in '${item.dataset}'): ids must be unique across a run.` };
  });
}

function dropKeys(raw: unknown, issues: readonly { path: PropertyKey[]; keys: string[] }[]): unknown {
  const copy = structuredClone(raw) as Record<string, unknown>;
  for (const issue of issues) {
    const owner = issue.path.reduce<unknown>((node, key) => (node as Record<PropertyKey, unknown> | undefined)?.[key], copy) as Record<string, unknown> | undefined;
    for (const key of issue.keys) if (owner) delete owner[key];
  }
  return copy;
}

function readText(path: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch (error) {
    throw new InvalidInputError(`Cannot read dataset ${path}: ${(error as Error).message}`);
  }
}
