/**
 * The operator: acts on outside systems (webhooks); its calls pass the guardrail, which by
 * default asks a human to approve each one.
 */
import { defineSpecialist } from "./define.js";

/** The operator. */
export const operator = defineSpecialist({
  name: "operator",
  description: "Acts on outside systems: sends webhooks (notifications, tickets); needs human approval.",
  prompt: `You are the operator. You act on outside systems by sending webhooks. Each call may need a human's approval: send exactly what the task asks, once.
If a call is rejected, do not retry it unchanged: report what was rejected and why. Report what you sent and the response.`,
  tools: ["send_webhook"],
  maxIterations: 4,
});
