/**
 * The guardrail in front of every tool: which calls run, which are refused, and which wait for a
 * human. Policies come from the operator (env `TOOL_POLICIES`, trusted) and from the run
 * (`configurable.toolPolicies`, untrusted: it may only make a policy stricter).
 */
import type { LangGraphRunnableConfig } from "@langchain/langgraph";
import { z } from "zod";
import { InvalidInputError } from "../../lib/errors.js";
import type { SideEffectClass } from "../types.js";

/** What happens to a call of a tool. */
export type ToolPolicy = "allow" | "deny" | "require_approval";

/** Policies keyed by `tool`, `graph:tool` or `graph:*`; the most specific key wins (graph:tool, graph:*, tool). */
export type ToolPolicyMap = Readonly<Record<string, ToolPolicy>>;

/** Validates a policy map (for request bodies and run config). */
export const toolPolicyMapSchema = z.record(
  z.string().regex(/^([a-z][a-z0-9_]*:)?([a-z][a-z0-9_]*|\*)$/, "keys are 'tool', 'graph:tool' or 'graph:*'"),
  z.enum(["allow", "deny", "require_approval"]),
);

/** Defaults when no policy names a tool: external side effects need a human, the rest run. */
export const DEFAULT_POLICY_BY_SIDE_EFFECT: Readonly<Record<SideEffectClass, ToolPolicy>> = {
  read_only: "allow",
  idempotent_write: "allow",
  external_side_effect: "require_approval",
};

const STRICTNESS: Record<ToolPolicy, number> = { allow: 0, require_approval: 1, deny: 2 };

/** The stricter of two policies. */
export function stricterPolicy(a: ToolPolicy, b: ToolPolicy): ToolPolicy {
  return STRICTNESS[a] >= STRICTNESS[b] ? a : b;
}

function lookup(map: ToolPolicyMap | undefined, graphId: string, tool: string): ToolPolicy | undefined {
  if (!map) return undefined;
  return map[`${graphId}:${tool}`] ?? map[`${graphId}:*`] ?? map[tool];
}

/** Where a tool call is made and what it may do. */
export interface PolicyQuery {
  tool: string;
  sideEffect: SideEffectClass;
  graphId: string;
  /** Operator policies (trusted). */
  operator?: ToolPolicyMap;
  /** Per-run policies from the run's configurable (may only tighten). */
  run?: ToolPolicyMap;
  /** Overrides of the side-effect defaults (operator). */
  defaults?: Partial<Record<SideEffectClass, ToolPolicy>>;
}

/** Resolves the policy of one tool call. */
export function resolveToolPolicy(query: PolicyQuery): ToolPolicy {
  const base =
    lookup(query.operator, query.graphId, query.tool) ??
    query.defaults?.[query.sideEffect] ??
    DEFAULT_POLICY_BY_SIDE_EFFECT[query.sideEffect];
  const fromRun = lookup(query.run, query.graphId, query.tool);
  // A run's caller is not trusted to loosen what the operator set: run policies only tighten.
  return fromRun ? stricterPolicy(base, fromRun) : base;
}

/** Reads and validates `configurable.toolPolicies` of a run. */
export function runToolPolicies(config: LangGraphRunnableConfig | undefined): ToolPolicyMap | undefined {
  const raw: unknown = config?.configurable?.toolPolicies;
  if (raw === undefined || raw === null) return undefined;
  const parsed = toolPolicyMapSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new InvalidInputError(
      `configurable.toolPolicies is invalid at '${issue?.path.join(".")}': ${issue?.message}. Use e.g. {"send_webhook":"deny"} with allow | deny | require_approval.`,
      { issues: parsed.error.issues.map((i) => ({ path: `configurable.toolPolicies.${i.path.join(".")}`, message: i.message })) },
    );
  }
  return parsed.data;
}

/** The interrupt value shown to a human before a call runs. */
export interface ToolApprovalRequest {
  type: "tool_approval";
  tool: string;
  args: Record<string, unknown>;
  sideEffect: SideEffectClass;
  agent: string;
  graphId: string;
  toolCallId: string;
  /** The JSON schema of the arguments, so a client can offer a form to edit them (the web console does). */
  argsSchema?: Record<string, unknown>;
  /** One line a person can read, e.g. `operator wants to call send_webhook(...)`. */
  summary: string;
  /** How to answer: the accepted resume values. */
  respondWith: string;
  /** Set when a previous answer could not be used (e.g. edited arguments that fail validation). */
  problem?: string;
}

/** A human's answer to a `ToolApprovalRequest`, passed as the resume value. */
export type ToolApprovalDecision =
  | { decision: "approve" }
  | { decision: "edit"; args: Record<string, unknown> }
  | { decision: "reject"; reason?: string };

const decisionSchema = z.union([
  z.object({ decision: z.literal("approve") }),
  z.object({ decision: z.literal("edit"), args: z.record(z.string(), z.unknown()) }),
  z.object({ decision: z.literal("reject"), reason: z.string().optional() }),
]);

/** The text every approval request carries, so any client knows what to send back. */
export const APPROVAL_RESPONSE_HELP =
  'Resume with {"decision":"approve"}, {"decision":"edit","args":{...}} or {"decision":"reject","reason":"..."} ("approve"/"reject" also work).';

/** Parses a resume value; returns a problem text instead of throwing, so a typo never crashes a run. */
export function parseApprovalDecision(value: unknown): ToolApprovalDecision | { problem: string } {
  if (value === true || value === "approve" || value === "approved" || value === "yes") return { decision: "approve" };
  if (value === false || value === "reject" || value === "rejected" || value === "no") return { decision: "reject" };
  const parsed = decisionSchema.safeParse(value);
  if (parsed.success) return parsed.data;
  return { problem: `The answer ${JSON.stringify(value)?.slice(0, 200)} was not understood. ${APPROVAL_RESPONSE_HELP}` };
}
