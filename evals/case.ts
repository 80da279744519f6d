/**
 * An eval case (datasets.ts reads the files that hold them).
 * A case names a goal, the graph that pursues it, how the run is set up (limits, approvals,
 * per-run tool policies, starting files, the scripted model it pins) and what success means.
 * Declared once here with zod; every other eval module takes its types from this schema.
 */
import { isAbsolute } from "node:path";
import { z } from "zod";
import { TERMINAL_STATES } from "../lib/contracts/run.js";
import { GRAPHS } from "../graphs/index.js";

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

/** A regular expression, checked when the case is loaded so a bad one is the case's fault, not a scorer crash. */
const regex = z.string().refine((source) => {
  try {
    new RegExp(source, "i");
    return true;
  } catch {
    return false;
  }
}, "not a valid regular expression");

/** Expected text; a bare number (YAML's `[42]`) is taken as its text rather than rejected. */
const fact = z.union([z.string(), z.number().transform(String)]);

const expectation = z
  .object({
    /** The terminal state the run must end in. */
    status: z.enum(TERMINAL_STATES).default("completed"),
    /** A regular expression the status reason must match (e.g. which rail tripped). */
    reasonMatches: regex.optional(),
    /** Facts the answer must contain (case-insensitive). */
    answerContains: z.array(fact).default([]),
    /** Regular expressions the answer must match (case-insensitive). */
    answerMatches: z.array(regex).default([]),
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
    reference: fact.optional(),
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
    files: z
      .record(z.string(), z.string())
      .superRefine((files, context) => {
        for (const path of Object.keys(files)) {
          if (isAbsolute(path) || path.split(/[\\/]/).includes("..")) context.addIssue({ code: "custom", path: [path], message: "a file path must be relative and stay inside the run's workspace" });
        }
      })
      .default({}),
    /**
     * A misbehaving scripted model the case pins on any configuration (rail cases: a real model
     * cannot be made to loop on cue). Unset: the configured model, or the offline demo.
     */
    script: z.enum(SCRIPTS).optional(),
    expect: expectation.prefault({}),
    tags: z.array(z.string()).default([]),
  })
  .strict();

/**
 * One eval case, defaults filled in. `invalid` is set on a case its dataset got wrong (not JSON,
 * a field that fails the schema, an unknown graph, a repeated id): it is reported as failed with
 * that reason instead of sinking the whole run. `warnings` (unknown fields dropped) go into its report.
 */
export type EvalCase = z.infer<typeof evalCaseSchema> & { dataset: string; invalid?: string; warnings?: string[] };
