/**
 * The operator: acts on outside systems (webhooks); its calls pass the guardrail, which by
 * default asks a human to approve each one.
 */
import { createSpecialist, pickTools, type SpecialistDefinition, type SpecialistDeps, type ToolSource } from "../../runtime.js";
import { OPERATOR_PROMPT } from "./prompt.js";

/** The operator's tools. */
export const OPERATOR_TOOLS = ["send_webhook"] as const;

/** Builds the operator; `overrides` adjust its definition. */
export function createOperator(deps: SpecialistDeps & { tools: ToolSource }, overrides: Partial<SpecialistDefinition> = {}) {
  return createSpecialist(
    {
      name: "operator",
      description: "Acts on outside systems: sends webhooks (notifications, tickets); needs human approval.",
      prompt: OPERATOR_PROMPT,
      tools: () => pickTools("operator", deps.tools, OPERATOR_TOOLS),
      maxIterations: 4,
      ...overrides,
    },
    deps,
  );
}
