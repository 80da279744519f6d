/**
 * Tracing of a supervisor run with tools and an approval, end to end in one process: what
 * reaches a local LangSmith ingestion endpoint (tree, names, run types, metadata), that a
 * planted secret reaches neither LangSmith nor the local trace, and that the local trace and
 * its terminal view show the same steps as the LangSmith tree.
 */
import { HumanMessage } from "@langchain/core/messages";
import { Command, MemorySaver } from "@langchain/langgraph";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { parseEnv } from "../lib/env.js";
import { flattenSteps, type RunTrace } from "../tracing/trace.js";
import { ScriptedChatModel, type ScriptedReply } from "../lib/scripted/scripted-chat-model.js";
import { createSpecialist, staticModels, type AnyToolSpec } from "../agents/index.js";
import { createRunTracing, flushTraces, renderTrace, stepLine, MemoryTraceStore } from "../tracing/index.js";
import { createSupervisorBuilder } from "../graphs/supervisor/graph.js";
import { lookupTool } from "./support/fake-tools.js";
import { startLangSmithStub, type LangSmithStub } from "./support/langsmith-stub.js";
import { expectCompleteTrace, foldedLangSmithSteps, langsmithTrace, localSteps } from "./support/trace-checks.js";

const PLANTED = "PLANTED-webhook-secret-7c1f9a";
const CONFIGURED_KEY = "sk-test-configured-key-5e0b2d";

function notifyTool(): AnyToolSpec & { sent: unknown[] } {
  const spec = {
    name: "notify_team",
    description: "Posts a note to the team's webhook (an external side effect).",
    schema: z.object({ text: z.string(), webhook_secret: z.string() }),
    timeoutMs: 1_000,
    sideEffect: "external_side_effect" as const,
    secretFields: ["webhook_secret"],
    sent: [] as unknown[],
    async run(args: { text: string }) {
      spec.sent.push(args.text);
      return `posted "${args.text}"`;
    },
  };
  return spec;
}

const route = (next: string, task = "", answer = ""): ScriptedReply => ({ structured: { next, task, answer } });

describe("tracing a supervisor run", () => {
  let langsmith: LangSmithStub;
  const store = new MemoryTraceStore();
  const traces: RunTrace[] = [];
  const runIds = [crypto.randomUUID(), crypto.randomUUID()];
  let notify: ReturnType<typeof notifyTool>;

  beforeAll(async () => {
    langsmith = await startLangSmithStub();
    const env = parseEnv({ LANGSMITH_TRACING: "true", LANGSMITH_ENDPOINT: langsmith.url, LANGSMITH_API_KEY: "lsv2_pt_test", LANGSMITH_PROJECT: "switchboard-test", OPENAI_API_KEY: CONFIGURED_KEY });
    notify = notifyTool();
    // A tool whose result leaks the configured key: the anonymizer must catch it.
    const lookup = lookupTool({ "team channel": `the team hook; config OPENAI_API_KEY=${CONFIGURED_KEY}` });
    const model = (replies: ScriptedReply[]) => new ScriptedChatModel({ replies, modelName: "gpt-4o-mini" });
    const models = staticModels({
      supervisor: model([route("operator", "Tell the team: ship it."), route("finish", "", "The team was told.")]),
      operator: model([
        { toolCalls: [{ name: "lookup", args: { query: "team channel" } }] },
        { toolCalls: [{ name: "notify_team", args: { text: "ship it", webhook_secret: PLANTED } }] },
        `Posted with ${PLANTED}.`,
      ]),
    });
    const operator = createSpecialist({ name: "operator", description: "sends notes", prompt: "You are the operator.", tools: [lookup, notify], maxIterations: 5 }, { models });
    const graph = createSupervisorBuilder({ models, subagents: [operator] }).compile({ checkpointer: new MemorySaver() });
    const thread = { configurable: { thread_id: "trace-thread", graph_id: "supervisor" } };
    const inputs = [{ messages: [new HumanMessage("Tell the team to ship it.")] }, new Command({ resume: { decision: "approve" } })];
    for (const [index, runId] of runIds.entries()) {
      const tracing = createRunTracing({ env, traceStore: store, runId, threadId: "trace-thread", graphId: "supervisor", owner: "alice", secretFields: ["webhook_secret"] });
      await graph.invoke(inputs[index] as never, { ...thread, ...tracing.config, runName: "supervisor" });
      traces.push((await tracing.finish())!);
    }
    await flushTraces();
  }, 60_000);
  afterAll(async () => {
    await langsmith.close();
  });

  it("sends one complete tree per run with the graph, agents, model calls and tools", () => {
    expect(notify.sent).toEqual(["ship it"]);
    for (const runId of runIds) expectCompleteTrace(langsmith.runs, runId);
    const [first, second] = runIds.map((runId) => langsmithTrace(langsmith.runs, runId));
    const root = first!.find((run) => run.id === runIds[0])!;
    expect(root).toMatchObject({ name: "supervisor", run_type: "chain" });
    expect(root.parent_run_id ?? null).toBeNull();
    expect(root.extra?.metadata).toMatchObject({ graph_id: "supervisor", thread_id: "trace-thread", run_id: runIds[0], owner: "alice", agent: "supervisor", terminal_state: "interrupted" });

    const agentRun = first!.find((run) => run.name === "operator" && JSON.stringify(run.serialized ?? "").includes("pregel"))!;
    expect(agentRun.extra?.metadata?.agent).toBe("operator");
    const lookup = first!.find((run) => run.name === "lookup")!;
    expect(lookup).toMatchObject({ run_type: "tool" });
    expect(lookup.extra?.metadata).toMatchObject({ agent: "operator", guardrail_policy: "allow", tool_call_id: expect.any(String) });
    const models = first!.filter((run) => run.run_type === "llm");
    expect(models.map((run) => run.extra?.metadata?.agent)).toEqual(["supervisor", "operator", "operator"]);
    for (const run of [...first!, ...second!]) expect(Object.keys(run.extra?.metadata ?? {})).toEqual(expect.arrayContaining(["graph_id", "thread_id", "run_id", "owner", "agent"]));

    const sent = second!.find((run) => run.name === "notify_team")!;
    expect(sent).toMatchObject({ run_type: "tool" });
    expect(sent.extra?.metadata).toMatchObject({ agent: "operator", guardrail_policy: "require_approval", approval: "approved" });
    const secondRoot = second!.find((run) => run.id === runIds[1])!;
    expect(secondRoot.extra?.metadata).toMatchObject({ terminal_state: "completed", run_id: runIds[1] });
    expect(secondRoot.extra?.metadata?.cost_usd).toBeGreaterThan(0);
  });

  it("never sends or keeps a planted secret or a configured key", async () => {
    const sent = langsmith.bodies.join("\n");
    expect(sent).toContain("ship it");
    expect(sent).toContain("[redacted]");
    expect(sent).not.toContain(PLANTED);
    expect(sent).not.toContain(CONFIGURED_KEY);
    const kept = JSON.stringify(await Promise.all(runIds.map((runId) => store.get(runId))));
    expect(kept).toContain("ship it");
    expect(kept).not.toContain(PLANTED);
    expect(kept).not.toContain(CONFIGURED_KEY);
  });

  it("keeps the same steps locally and in the terminal view as in LangSmith", () => {
    for (const [index, runId] of runIds.entries()) {
      const trace = traces[index]!;
      expect(localSteps(trace)).toEqual(foldedLangSmithSteps(langsmith.runs, runId));
      const lines = renderTrace(trace);
      const stepLines = lines.filter((line) => /^\s*[■◇•◆▸·] /.test(line));
      const depth = new Map<string, number>();
      expect(stepLines).toEqual(flattenSteps(trace.root).map((step) => {
        const level = step.parentId ? depth.get(step.parentId)! + 1 : 0;
        depth.set(step.id, level);
        return stepLine(step, level);
      }));
    }
  });

  it("accounts tokens and cost per run, agent, tool and model", () => {
    const [first, second] = traces;
    expect(first!.terminalState).toBe("interrupted");
    // The approval pause shows where it happened: the operator's tools node, not an error.
    expect(flattenSteps(first!.root).filter((step) => step.status === "interrupted").map((step) => `${step.kind}:${step.name}`)).toEqual(["node:operator", "agent:operator", "node:tools"]);
    expect(second!.terminalState).toBe("completed");
    const models = flattenSteps(first!.root).filter((step) => step.model);
    const sum = models.reduce((total, step) => total + step.model!.usage.costUsd, 0);
    expect(first!.cost.total.costUsd).toBeCloseTo(sum, 9);
    expect(first!.cost.total.modelCalls).toBe(3);
    expect(Object.keys(first!.cost.byAgent).sort()).toEqual(["operator", "supervisor"]);
    expect(first!.cost.byAgent.operator!.toolCalls).toBe(1);
    expect(first!.cost.byTool.lookup).toMatchObject({ calls: 1, errors: 0 });
    expect(first!.cost.byTool.lookup!.costUsd).toBeGreaterThan(0);
    expect(first!.cost.byModel["gpt-4o-mini"]!.calls).toBe(3);
    expect(second!.cost.byTool.notify_team).toMatchObject({ calls: 1 });
  });
});
