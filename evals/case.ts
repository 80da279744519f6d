/**
 * An eval case and the datasets that hold them: `evals/datasets/<name>.jsonl`, one case a line.
 * A case names a goal, the graph that pursues it, how the run is set up (limits, approvals,
 * per-run tool policies, starting files, the scripted model it pins) and what success means.
 * Declared once here with zod; every other eval module takes its types from this schema.
 */
import { readFileSync, readdirSync } from "node:fs";
import { basename, join } from "node:path";
import { z } from "zod";
import { TERMINAL_STATES } from "../lib/contracts/run.js";
import { InvalidInputError } from "../lib/errors.js";
import { GRAPHS } from "../graphs/index.js";

/** The folder of the shipped datasets. */
export const DATASETS_DIR = new URL("./datasets/", import.meta.url).pathname;

/** The scripted models a case may pin (see scripts.ts); `demo` is the offline demo's brain. */
export const SCRIPTS = ["demo", "loop", "flaky"] as const;

/** Trajectory comparison modes, as agentevals names them. */
export const TRAJECTORY_MODES = ["strict", "unordered", "subset", "superset"] as const;

const limits = z
  .object({
    maxTokens: z.number().int().positive(),
    maxCostUsd: z.number().positive(),
    maxToolCalls: z.number().int().nonnegative(),
    maxModelCalls: z.number().int().positive(),
    maxDurationMs: z.number().int().positive(),
  })
  .partial()
  .strict();

const expectation = z
  .object({
    /** The terminal state the run must end in. */
    status: z.enum(TERMINAL_STATES).default("completed"),
    /** A regular expression the status reason must match (e.g. which rail tripped). */
    reasonMatches: z.string().optional(),
    /** Facts the answer must contain (case-insensitive). */
    answerContains: z.array(z.string()).default([]),
    /** Regular expressions the answer must match (case-insensitive). */
    answerMatches: z.array(z.string()).default([]),
    /** Tools that must be called, tools that must not, and an order the required calls keep. */
    tools: z
      .object({ required: z.array(z.string()).default([]), forbidden: z.array(z.string()).default([]), ordered: z.boolean().default(false) })
      .strict()
      .optional(),
    /**
     * The reference trajectory: the agents that start work and/or the tools called, in order, and
     * how strictly to compare (agentevals' modes: strict, unordered, subset, superset).
     */
    trajectory: z
      .object({ agents: z.array(z.string()).optional(), tools: z.array(z.string()).optional(), match: z.enum(TRAJECTORY_MODES).default("strict") })
      .strict()
      .refine((value) => value.agents !== undefined || value.tools !== undefined, "name the reference 'agents' or 'tools' (or both)")
      .optional(),
    /** Rail events that must be recorded (e.g. `guardrail_denied`, `approval_rejected`). */
    railEvents: z.array(z.string()).default([]),
    /** What the run may spend to pass (checked against its usage). */
    budget: limits.omit({ maxDurationMs: true }).optional(),
    /** A reference answer for the LLM-as-judge correctness scorer. */
    reference: z.string().optional(),
  })
  .strict();

/** The schema of one case. */
export const evalCaseSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9_-]*$/, "must be a kebab- or snake-case id"),
    graph: z.enum(GRAPHS.map((graph) => graph.id) as [string, ...string[]]),
    goal: z.string().min(1),
    /** Run limits handed to the run (`configurable.limits`), as the CLI's --max-* flags do. */
    limits: limits.default({}),
    /** Who answers approval requests: the run's standing --approve / --reject policy (default reject: an eval never acts on the world unasked). */
    approvals: z.enum(["approve", "reject"]).default("reject"),
    /** Per-run tool policies (`configurable.toolPolicies`; they may only tighten). */
    toolPolicies: z.record(z.string(), z.enum(["allow", "deny", "require_approval"])).default({}),
    /** Files in the run's workspace before it starts (path → content). */
    files: z.record(z.string(), z.string()).default({}),
    /**
     * A misbehaving scripted model the case pins on any configuration (rail cases: a real model
     * cannot be made to loop on cue). Unset: the configured model, or the offline demo.
     */
    script: z.enum(SCRIPTS).optional(),
    expect: expectation.prefault({}),
    tags: z.array(z.string()).default([]),
  })
  .strict();

/** One eval case, defaults filled in. */
export type EvalCase = z.infer<typeof evalCaseSchema> & { dataset: string };

/** Parses one dataset's JSONL text; errors name the dataset, the line and the field; unknown fields are dropped with a warning. */
export function parseDataset(name: string, text: string, warn: (message: string) => void = () => undefined): EvalCase[] {
  const cases: EvalCase[] = [];
  for (const [index, line] of text.split("\n").entries()) {
    if (line.trim() === "" || line.trimStart().startsWith("//")) continue;
    let raw: unknown;
    try {
      raw = JSON.parse(line);
    } catch (error) {
      throw new InvalidInputError(`Dataset '${name}' line ${index + 1} is not JSON: ${(error as Error).message}`);
    }
    let parsed = evalCaseSchema.safeParse(raw);
    // Unknown fields alone do not sink a dataset, but a typo must not pass silently either.
    if (!parsed.success && parsed.error.issues.every((issue) => issue.code === "unrecognized_keys")) {
      const unknown = parsed.error.issues.flatMap((issue) => (issue as { keys: string[] }).keys.map((key) => [...issue.path, key].join(".")));
      warn(`Dataset '${name}' line ${index + 1}: ignored unknown field(s) ${unknown.join(", ")} (a typo? see the case schema in evals/case.ts).`);
      raw = dropKeys(raw, parsed.error.issues as { path: PropertyKey[]; keys: string[] }[]);
      parsed = evalCaseSchema.safeParse(raw);
    }
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new InvalidInputError(`Dataset '${name}' line ${index + 1}: ${issue.path.join(".") || "case"}: ${issue.message}`);
    }
    cases.push({ ...parsed.data, dataset: name });
  }
  const seen = new Set<string>();
  for (const item of cases) {
    if (seen.has(item.id)) throw new InvalidInputError(`Dataset '${name}' has case id '${item.id}' twice: ids name cases in reports and baselines.`);
    seen.add(item.id);
  }
  return cases;
}

function dropKeys(raw: unknown, issues: readonly { path: PropertyKey[]; keys: string[] }[]): unknown {
  const copy = structuredClone(raw) as Record<string, unknown>;
  for (const issue of issues) {
    const owner = issue.path.reduce<unknown>((node, key) => (node as Record<PropertyKey, unknown> | undefined)?.[key], copy) as Record<string, unknown> | undefined;
    for (const key of issue.keys) if (owner) delete owner[key];
  }
  return copy;
}

/** Loads the named datasets (all of `dir` when none is named); a name ending in .jsonl is a file path. */
export function loadDatasets(names: readonly string[] = [], dir: string = DATASETS_DIR, warn?: (message: string) => void): EvalCase[] {
  const available = readdirSync(dir).filter((file) => file.endsWith(".jsonl")).map((file) => basename(file, ".jsonl")).sort();
  const wanted = names.length > 0 ? names : available;
  const missing = wanted.filter((name) => !name.endsWith(".jsonl") && !available.includes(name));
  if (missing.length > 0) throw new InvalidInputError(`No dataset '${missing.join("', '")}' in ${dir}: available are ${available.join(", ") || "none"} (or pass a path ending in .jsonl).`);
  const cases = wanted.flatMap((name) =>
    name.endsWith(".jsonl") ? parseDataset(basename(name, ".jsonl"), readText(name), warn) : parseDataset(name, readText(join(dir, `${name}.jsonl`)), warn),
  );
  const ids = new Set<string>();
  for (const item of cases) {
    if (ids.has(item.id)) throw new InvalidInputError(`Case id '${item.id}' is in two datasets (the second is '${item.dataset}'): ids must be unique across a run.`);
    ids.add(item.id);
  }
  return cases;
}

function readText(path: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch (error) {
    throw new InvalidInputError(`Cannot read dataset ${path}: ${(error as Error).message}`);
  }
}
