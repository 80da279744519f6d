/**
 * The `configurable` every Switchboard graph honours, as one zod schema built from the schemas
 * that check it at run time (rail settings, tool policies) plus the owner key. The server answers
 * it as `config_schema` of our graphs, so LangGraph Studio draws a form for exactly what a run
 * may set.
 */
import { z } from "zod";
import { railSettingsSchema } from "../../agents/index.js";
import { toolPolicyMapSchema } from "../../tools/index.js";

/** What a run may set in `configurable` (descriptions become Studio's field help). */
export const runConfigurableSchema = z
  .object({
    limits: railSettingsSchema.shape.limits.describe("Per-run limits over the defaults: maxTokens, maxCostUsd, maxToolCalls, maxModelCalls, maxDurationMs."),
    onLoop: railSettingsSchema.shape.onLoop.describe("What a detected loop does: 'ask' pauses for a human, 'stop' ends the run as loop_detected."),
    maxRepeats: railSettingsSchema.shape.maxRepeats.describe("How many repeats of the same step count as a loop."),
    prices: railSettingsSchema.shape.prices.describe("Model prices (USD per million tokens) over the built-in table, for cost limits."),
    toolPolicies: toolPolicyMapSchema.optional().describe("Tool policies for this run ('tool', 'graph:tool' or 'graph:*' → allow | deny | require_approval); they can only tighten the operator's."),
    user_id: z.string().optional().describe("Whose long-term memory the run uses (the API key's owner when the server has keys)."),
  })
  .describe("Switchboard run settings (configurable)");

/** The schema as JSON Schema (Studio's config form). */
export function runConfigurableJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(runConfigurableSchema, { unrepresentable: "any", io: "input" }) as Record<string, unknown>;
}
