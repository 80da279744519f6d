/**
 * Per-run settings of the rails, read from LangGraph's `configurable` (so the CLI, the server
 * and Studio can set them per run) and checked with zod: a bad value is the caller's mistake
 * and fails the run at its first step with a message naming the setting.
 */
import { z } from "zod";
import type { LangGraphRunnableConfig } from "@langchain/langgraph";
import { InvalidInputError } from "../../lib/errors.js";
import { DEFAULT_PRICES, type PriceTable } from "../../lib/prices.js";
import { DEFAULT_LOOP_POLICY, type LoopPolicy } from "./loops.js";
import type { RunLimits } from "./budgets.js";

const positive = z.number().positive();
const positiveInt = z.number().int().positive();

/** The zod schema of the rail settings in `configurable`. */
export const railSettingsSchema = z.object({
  limits: z
    .object({ maxTokens: positiveInt, maxCostUsd: positive, maxToolCalls: positiveInt, maxModelCalls: positiveInt })
    .partial()
    .strict()
    .optional(),
  onLoop: z.enum(["ask", "stop"]).optional(),
  maxRepeats: positiveInt.optional(),
  prices: z.record(z.string(), z.object({ inputPerMillion: z.number().min(0), outputPerMillion: z.number().min(0) })).optional(),
});

/** Resolved rail settings of one run. */
export interface RailSettings {
  limits: RunLimits;
  loop: LoopPolicy;
  prices: PriceTable;
}

/** Limits applied when a run sets none: generous, but no run is unbounded. */
export const DEFAULT_LIMITS: RunLimits = Object.freeze({ maxTokens: 200_000, maxToolCalls: 50, maxModelCalls: 60 });

const cache = new WeakMap<object, RailSettings>();

/** The rail settings of a run, from `config.configurable` over the defaults (`defaultLimits` over DEFAULT_LIMITS). */
export function railSettings(config: LangGraphRunnableConfig | undefined, defaultLimits?: RunLimits): RailSettings {
  const configurable = config?.configurable ?? {};
  const cached = defaultLimits ? undefined : cache.get(configurable);
  if (cached) return cached;
  const baseLimits = defaultLimits ? { ...DEFAULT_LIMITS, ...defaultLimits } : DEFAULT_LIMITS;
  const parsed = railSettingsSchema.safeParse({
    limits: configurable.limits,
    onLoop: configurable.onLoop,
    maxRepeats: configurable.maxRepeats,
    prices: configurable.prices,
  });
  if (!parsed.success) {
    const issues = parsed.error.issues.map((issue) => ({ path: issue.path.join("."), message: issue.message }));
    throw new InvalidInputError(
      `Invalid run settings in configurable: ${issues.map((i) => `${i.path}: ${i.message}`).join("; ")}.`,
      { issues },
    );
  }
  const value = parsed.data;
  const settings: RailSettings = {
    limits: value.limits ? { ...baseLimits, ...value.limits } : baseLimits,
    loop: { maxRepeats: value.maxRepeats ?? DEFAULT_LOOP_POLICY.maxRepeats, onLoop: value.onLoop ?? DEFAULT_LOOP_POLICY.onLoop },
    prices: value.prices ? { ...DEFAULT_PRICES, ...value.prices } : DEFAULT_PRICES,
  };
  if (!defaultLimits) cache.set(configurable, settings);
  return settings;
}
