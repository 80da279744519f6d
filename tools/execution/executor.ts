/**
 * Executes the tool calls of one AIMessage and answers each with a ToolMessage. Model mistakes
 * (unknown tool, invalid JSON, schema violations), timeouts and tool failures become error tool
 * messages the model can correct; nothing a model sends crashes the run.
 *
 * Three phases, because a node re-runs from the top when it is resumed after `interrupt()`:
 *  1. plan: budget, lookup, validation and policy for every call (pure, safe to repeat);
 *  2. approvals: one `interrupt()` per call that needs a human, all before anything runs, so a
 *     side effect never runs twice when the node is resumed;
 *  3. execute: rate limits, then the approved and allowed calls, concurrently, each under its
 *     time limit.
 */
import { type AIMessage, ToolMessage } from "@langchain/core/messages";
import { interrupt, isGraphBubbleUp } from "@langchain/langgraph";
import { silentLogger, type Logger } from "../../lib/logger.js";
import { argumentsJsonSchema, idempotencyKey, runWithTimeout, toolFailureText, validateArguments } from "./call-steps.js";
import {
  APPROVAL_RESPONSE_HELP,
  parseApprovalDecision,
  resolveToolPolicy,
  runToolPolicies,
  type ToolApprovalRequest,
  type ToolPolicy,
  type ToolPolicyMap,
} from "./guardrail.js";
import { ledgerOf, type ToolCallLedger } from "./call-ledger.js";
import { createMemoryRateLimiter, type RateLimitRule, type ToolRateLimiter } from "./rate-limit.js";
import { recordRefusedToolRun, tracedToolRun, type ToolRefusal } from "./tool-runs.js";
import { indexTools, redactSecrets, type AnyToolSpec, type RailEvent, type SideEffectClass, type ToolExecutionContext } from "../types.js";

/** Operator-level settings and services of the executor (trusted; built once by the catalog). */
export interface ToolExecutorDeps {
  /** Operator guardrail policies (env `TOOL_POLICIES`). */
  policies?: ToolPolicyMap;
  /** Overrides of the default policy per side-effect class. */
  defaultPolicies?: Partial<Record<SideEffectClass, ToolPolicy>>;
  /** Token-bucket rules per tool name (env `TOOL_RATE_LIMITS`). */
  rateLimits?: Readonly<Record<string, RateLimitRule>>;
  /** Where buckets live (Redis or memory); default: one in-process limiter. */
  rateLimiter?: ToolRateLimiter;
  /** Idempotency ledger of side-effecting calls (default: the one a worker put in `configurable`, else none). */
  ledger?: ToolCallLedger;
  /** Clock for rail event timestamps. */
  now?: () => Date;
  logger?: Logger;
}

/** What `executeToolCalls` returns: one ToolMessage per call, the new tool-call count, rails tripped. */
export interface ToolExecutionResult {
  messages: ToolMessage[];
  toolCallsUsed: number;
  railEvents: RailEvent[];
}

/** How many unusable approval answers (bad edits, unreadable values) before a call counts as rejected. */
export const MAX_APPROVAL_ATTEMPTS = 3;

interface PlannedCall {
  id: string;
  name: string;
  invalid: boolean;
  spec?: AnyToolSpec;
  args?: Record<string, unknown>;
  needsApproval?: boolean;
  editedBy?: "reviewer";
  /** The guardrail's policy, the human's answer, or why the call was refused (for the trace). */
  policy?: ToolPolicy;
  approval?: "approved" | "edited" | "rejected";
  refused?: ToolRefusal;
  result?: { content: string; status: "success" | "error" };
}

let processLimiter: ToolRateLimiter | undefined;

const failure = (content: string) => ({ content, status: "error" as const });

/** Marks a plan refused (for the trace) and answers it with `content`. */
function refuse(plan: PlannedCall, why: ToolRefusal, content: string): PlannedCall {
  plan.refused = why;
  plan.result = failure(content);
  return plan;
}

/** Executes every tool call of `message`; see the module comment for the phases. */
export async function executeToolCalls(
  message: AIMessage,
  tools: readonly AnyToolSpec[] | ReadonlyMap<string, AnyToolSpec>,
  ctx: ToolExecutionContext,
  deps: ToolExecutorDeps = {},
): Promise<ToolExecutionResult> {
  const byName = tools instanceof Map ? tools : indexTools(tools as readonly AnyToolSpec[]);
  const now = deps.now ?? (() => new Date());
  const logger = deps.logger ?? silentLogger();
  const railEvents: RailEvent[] = [];
  const rail = (kind: string, detail: string, tool?: string) =>
    railEvents.push({ kind, agent: ctx.agent, ...(tool ? { tool } : {}), detail, at: now().toISOString() });
  const runPolicies = runToolPolicies(ctx.config);

  // Phase 1: plan.
  let used = ctx.toolCallsUsed;
  const refusedForBudget: string[] = [];
  const entries = [
    ...(message.tool_calls ?? []).map((call) => ({ call, invalid: false })),
    ...(message.invalid_tool_calls ?? []).map((call) => ({ call, invalid: true })),
  ];
  const plans = entries.map(({ call, invalid }, index): PlannedCall => {
    const plan: PlannedCall = { id: call.id ?? `call_without_id_${index}`, name: call.name ?? "(no name)", invalid };
    if (used >= ctx.toolCallBudget) {
      refusedForBudget.push(plan.name);
      return refuse(
        plan,
        "tool_budget",
        `Error: this run's tool-call budget is exhausted (${ctx.toolCallBudget} calls); ${plan.name} was not run. Do not call tools again: answer with what you already have.`,
      );
    }
    used += 1;
    if (invalid) {
      const raw = typeof call.args === "string" ? call.args.slice(0, 300) : JSON.stringify(call.args);
      return refuse(
        plan,
        "invalid_arguments",
        `Error: the arguments of your call to ${plan.name} are not valid JSON${"error" in call && call.error ? ` (${call.error})` : ""}: ${raw}. Call the tool again with a JSON object as arguments.`,
      );
    }
    const spec = byName.get(plan.name);
    if (!spec) return refuse(plan, "unknown_tool", `Error: there is no tool named '${plan.name}'. Available tools: ${[...byName.keys()].join(", ") || "none"}.`);
    const validated = validateArguments(spec, call.args);
    if (!validated.ok) return refuse(plan, "invalid_arguments", `Error: ${validated.message}`);
    const policy = resolveToolPolicy({
      tool: spec.name,
      sideEffect: spec.sideEffect,
      graphId: ctx.graphId,
      ...(deps.policies ? { operator: deps.policies } : {}),
      ...(runPolicies ? { run: runPolicies } : {}),
      ...(deps.defaultPolicies ? { defaults: deps.defaultPolicies } : {}),
    });
    plan.policy = policy;
    if (policy === "deny") {
      rail("guardrail_denied", `policy denies ${spec.name} in graph ${ctx.graphId}`, spec.name);
      return refuse(plan, "guardrail_denied", `Error: ${spec.name} is not permitted in this run (guardrail policy). Do not call it again; find another way or explain what you could not do.`);
    }
    Object.assign(plan, { spec, args: validated.args, needsApproval: policy === "require_approval" });
    return plan;
  });
  if (refusedForBudget.length > 0) {
    rail("tool_budget_exhausted", `budget of ${ctx.toolCallBudget} tool calls reached; refused: ${refusedForBudget.join(", ")}`);
  }

  // Phase 2: approvals, all before anything runs.
  for (const plan of plans) {
    if (plan.needsApproval && !plan.result) askForApproval(plan, ctx, rail);
  }

  // Phase 3: execute.
  const limiter = deps.rateLimiter ?? (processLimiter ??= createMemoryRateLimiter());
  const runSignal = ctx.config?.signal;
  const checkpoint = ctx.checkpointId ?? String(ctx.config?.configurable?.checkpoint_ns ?? ctx.config?.configurable?.checkpoint_id ?? "");
  const traceRecord = (plan: PlannedCall) => ({
    tool: plan.name,
    toolCallId: plan.id,
    agent: ctx.agent,
    ...(plan.spec?.source ? { source: plan.spec.source } : {}),
    args: plan.args ? redactSecrets(plan.args, plan.spec?.secretFields) : callArgs(message, plan.id),
    ...(plan.policy ? { policy: plan.policy } : {}),
    ...(plan.approval ? { approval: plan.approval } : {}),
    ...(plan.refused ? { refused: plan.refused } : {}),
  });
  const ledger = deps.ledger ?? ledgerOf(ctx.config?.configurable);
  await Promise.all(
    plans.map(async (plan) => {
      const { spec, args } = plan;
      if (plan.result || !spec || !args) {
        if (plan.result) await recordRefusedToolRun(ctx.config, traceRecord(plan), plan.result.content);
        return;
      }
      const rule = deps.rateLimits?.[spec.name];
      if (rule) {
        const decision = await limiter.take(spec.name, rule);
        if (!decision.allowed) {
          const seconds = Math.max(1, Math.ceil(decision.retryAfterMs / 1000));
          rail("rate_limited", `${spec.name} over ${rule.capacity} calls per ${Math.round(rule.capacity / rule.refillPerSecond)} s; next token in ${seconds} s`, spec.name);
          refuse(plan, "rate_limited", `Error: ${spec.name} is rate limited; it was not run. Try again in about ${seconds} s, or continue without it.`);
          await recordRefusedToolRun(ctx.config, traceRecord(plan), plan.result!.content);
          return;
        }
      }
      const runContext = {
        threadId: ctx.threadId,
        runId: ctx.runId,
        graphId: ctx.graphId,
        agent: ctx.agent,
        owner: ctx.owner ?? String(ctx.config?.configurable?.user_id ?? "default"),
        toolCallId: plan.id,
        idempotencyKey: idempotencyKey(ctx.threadId, checkpoint, plan.id),
      };
      // Side effects are recorded around the call, so a step re-run after a crash does not repeat them.
      const recorded = ledger && spec.sideEffect === "external_side_effect" ? ledger : undefined;
      if (recorded) {
        const earlier = await recorded.begin(runContext.idempotencyKey, ctx.threadId).catch((error: unknown) => ({ state: "unavailable" as const, error }));
        if (earlier?.state === "done") {
          plan.result = earlier.result;
          return;
        }
        if (earlier?.state === "unavailable") {
          logger.warn({ err: earlier.error, tool: spec.name, toolCallId: plan.id }, "idempotency ledger unavailable; side effect not run");
          plan.result = failure(`Error: ${spec.name} was not run because its call could not be recorded (storage unavailable). Try again later.`);
          return;
        }
        if (earlier?.state === "started") logger.warn({ tool: spec.name, toolCallId: plan.id }, "re-running a side effect interrupted mid-call; same idempotency key");
      }
      try {
        // A `tool` run, so traces show each call with its secret fields redacted and the guardrail's decision.
        const content = await tracedToolRun(ctx.config, traceRecord(plan), () => runWithTimeout(spec, args, runContext, runSignal));
        const note = plan.editedBy ? `(A reviewer changed the arguments before running: ${JSON.stringify(args)})\n` : "";
        plan.result = { content: note + content, status: "success" };
      } catch (error) {
        if (isGraphBubbleUp(error) || runSignal?.aborted) throw error;
        logger.warn({ err: error, tool: spec.name, toolCallId: plan.id }, "tool call failed");
        plan.result = failure(toolFailureText(spec.name, error));
      }
      await recorded?.complete(runContext.idempotencyKey, ctx.threadId, plan.result).catch((error: unknown) => {
        logger.warn({ err: error, tool: spec.name, toolCallId: plan.id }, "could not record a side effect's result; a crash before the next checkpoint would repeat it");
      });
    }),
  );

  return { messages: toMessages(plans, (message.tool_calls ?? []).length > 0), toolCallsUsed: used, railEvents };
}

/** Pauses for a human decision on one call (re-asking after unusable answers); updates the plan. */
function askForApproval(plan: PlannedCall, ctx: ToolExecutionContext, rail: (kind: string, detail: string, tool?: string) => void): void {
  const spec = plan.spec!;
  let problem: string | undefined;
  for (let attempt = 1; attempt <= MAX_APPROVAL_ATTEMPTS; attempt += 1) {
    const request: ToolApprovalRequest = {
      type: "tool_approval",
      tool: spec.name,
      args: plan.args!,
      sideEffect: spec.sideEffect,
      agent: ctx.agent,
      graphId: ctx.graphId,
      toolCallId: plan.id,
      argsSchema: argumentsJsonSchema(spec),
      summary: `${ctx.agent} wants to call ${spec.name}(${JSON.stringify(plan.args)}) [${spec.sideEffect}]`,
      respondWith: APPROVAL_RESPONSE_HELP,
      ...(problem ? { problem } : {}),
    };
    const decision = parseApprovalDecision(interrupt<ToolApprovalRequest, unknown>(request));
    if ("problem" in decision) {
      problem = decision.problem;
      continue;
    }
    if (decision.decision === "approve") {
      plan.approval = "approved";
      return;
    }
    if (decision.decision === "reject") {
      const reason = decision.reason?.trim() || "no reason given";
      rail("approval_rejected", `a human rejected ${spec.name}: ${reason}`, spec.name);
      plan.approval = "rejected";
      refuse(plan, "approval_rejected", `The user rejected this call to ${spec.name}, so it did not run. Reason: ${reason}. Do not repeat it unchanged.`);
      return;
    }
    const validated = validateArguments(spec, decision.args);
    if (validated.ok) {
      rail("approval_edited", `a human edited the arguments of ${spec.name}`, spec.name);
      plan.args = validated.args;
      plan.editedBy = "reviewer";
      plan.approval = "edited";
      return;
    }
    problem = `The edited arguments cannot be used: ${validated.message}`;
  }
  rail("approval_rejected", `no usable answer after ${MAX_APPROVAL_ATTEMPTS} tries; ${spec.name} did not run`, spec.name);
  plan.approval = "rejected";
  refuse(plan, "approval_rejected", `The approval of ${spec.name} could not be obtained (no usable answer), so it did not run.`);
}

/** The raw arguments of a call the executor could not resolve (unknown tool, bad JSON), for the trace. */
function callArgs(message: AIMessage, id: string): unknown {
  const call = [...(message.tool_calls ?? []), ...(message.invalid_tool_calls ?? [])].find((candidate) => candidate.id === id);
  return call?.args ?? null;
}

/**
 * One ToolMessage per call. ChatOpenAI sends malformed calls back to the model only when a message
 * has no well-formed call; otherwise they vanish from the request and a ToolMessage answering them
 * would be rejected by the API. Then their errors ride along on the first well-formed call's answer.
 */
function toMessages(plans: PlannedCall[], hasValidCalls: boolean): ToolMessage[] {
  const separate = plans.filter((plan) => !plan.invalid || !hasValidCalls);
  const folded = hasValidCalls ? plans.filter((plan) => plan.invalid) : [];
  return separate.map((plan, index) => {
    let content = plan.result?.content ?? "Error: the call was not run.";
    if (index === 0 && folded.length > 0) {
      content += `\n\nAlso, ${folded.length} other call(s) in your message could not be run: ${folded.map((f) => f.result?.content).join(" | ")}`;
    }
    return new ToolMessage({ content, tool_call_id: plan.id, name: plan.name, status: plan.result?.status ?? "error" });
  });
}
