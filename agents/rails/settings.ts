/**
 * Per-run settings of the rails, read from LangGraph's `configurable` (so the CLI, the server
 * and Studio can set them per run) and checked with zod: a bad value is the caller's mistake
 * and fails the run at its first step with a message naming the setting. Each rail brings its
 * own keys of `limits` (RAILS in limits.ts).
 */
import { z } from "zod";
import type { LangGraphRunnableConfig } from "@langchain/langgraph";
import { InvalidInputError } from "../../lib/errors.js";
import { DEFAULT_PRICES, type PriceTable } from "../../lib/prices.js";
import type { RunLimits } from "../../lib/contracts/run.js";
import { RAILS } from "./limits.js";
import { DEFAULT_LOOP_POLICY, type LoopPolicy } from "./loops.js";

const positiveInt = z.number().int().positive();

/** The zod schema of the rail settings in `configurable`. */
export const railSettingsSchema = z.object({
  limits: z
    .object(Object.assign({}, ...RAILS.map((rail) => rail.settings)) as z.ZodRawShape)
    .partial()
    .strict()
    .optional(),
  onLoop: z.enum(["ask", "stop"]).optional(),
  maxRepeats: positiveInt.optional(),
  prices: z.record(z.string(), z.object({ inputPerMillion: z.number().min(0), outputPerMillion: z.number().min(0) })).optional(),
  clock: z.custom<() => number>((value) => typeof value === "function", "must be a function returning epoch milliseconds").optional(),
});

/** Resolved rail settings of one run. */
export interface RailSettings {
  limits: RunLimits;
  loop: LoopPolicy;
  prices: PriceTable;
  /** The run's clock in epoch ms: `configurable.clock` (tests jump time with it), else `Date.now`. */
  clock: () => number;
}

/** Limits applied when a run sets none: generous, but no run is unbounded. */
export const DEFAULT_LIMITS: RunLimits = Object.freeze({ maxTokens: 200_000, maxToolCalls: 50, maxModelCalls: 60 });

interface Parsed {
  settings: RailSettings;
  /** The limits the run itself set (no defaults). */
  own: RunLimits | undefined;
}

// One parse per configurable object: the nodes of a step share it, and defaults are merged after.
const cache = new WeakMap<object, Parsed>();

function parse(configurable: Record<string, unknown>): Parsed {
  const parsed = railSettingsSchema.safeParse({
    limits: configurable.limits,
    onLoop: configurable.onLoop,
    maxRepeats: configurable.maxRepeats,
    prices: configurable.prices,
    clock: configurable.clock,
  });
  if (!parsed.success) {
    const issues = parsed.error.issues.map((issue) => ({ path: issue.path.join("."), message: issue.message }));
    throw new InvalidInputError(
      `Invalid run settings in configurable: ${issues.map((i) => `${i.path}: ${i.message}`).join("; ")}.`,
      { issues },
    );
  }
  const value = parsed.data;
  const own = value.limits as RunLimits | undefined;
  return {
    own,
    settings: {
      limits: own ? { ...DEFAULT_LIMITS, ...own } : DEFAULT_LIMITS,
      loop: { maxRepeats: value.maxRepeats ?? DEFAULT_LOOP_POLICY.maxRepeats, onLoop: value.onLoop ?? DEFAULT_LOOP_POLICY.onLoop },
      prices: value.prices ? { ...DEFAULT_PRICES, ...value.prices } : DEFAULT_PRICES,
      clock: value.clock ?? Date.now,
    },
  };
}

/** The rail settings of a run, from `config.configurable` over the defaults (`defaultLimits` over DEFAULT_LIMITS). */
export function railSettings(config: LangGraphRunnableConfig | undefined, defaultLimits?: RunLimits): RailSettings {
  const configurable = (config?.configurable ?? {}) as Record<string, unknown>;
  let parsed = cache.get(configurable);
  if (!parsed) cache.set(configurable, (parsed = parse(configurable)));
  if (!defaultLimits) return parsed.settings;
  return { ...parsed.settings, limits: { ...DEFAULT_LIMITS, ...defaultLimits, ...parsed.own } };
}
