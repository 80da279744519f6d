// langsmith/utils/jestlike (loaded by openevals) replaces the global `expect`; the vitest import is the real one.
import { describe, expect, it } from "vitest";
import { evalCaseSchema, type EvalCase } from "../case.js";
import type { CaseRun } from "../execute.js";
import { answerContains, answerMatches, budget, noSecrets, railEvents, terminalState, toolCalls } from "./deterministic.js";
import { scoreCorrectness, scriptedJudge } from "./judge.js";
import { matchSteps } from "./trajectory.js";
import { passes } from "./types.js";
import { ScriptedChatModel } from "../../lib/scripted/scripted-chat-model.js";

const makeCase = (fields: Record<string, unknown>): EvalCase => ({ ...evalCaseSchema.parse({ id: "c", graph: "agent", goal: "Compute 6 * 7", ...fields }), dataset: "unit" });
const makeRun = (fields: Partial<CaseRun> = {}): CaseRun => ({
  status: "completed",
  statusReason: "The agent gave its answer.",
  answer: "6 * 7 is 42.",
  agents: [],
  toolCalls: [],
  railEvents: [],
  usage: { inputTokens: 80, outputTokens: 20, totalTokens: 100, costUsd: 0.001, modelCalls: 2, toolCalls: 1 },
  latencyMs: 5,
  ...fields,
});
const call = (tool: string, args: unknown = {}) => ({ agent: "assistant", tool, args });
const rail = (kind: string) => ({ kind, agent: "assistant", detail: kind, at: "2026-01-01T00:00:00Z" });

describe("deterministic scorers", () => {
  it("terminal_state passes on the expected state and reason, fails naming what happened", () => {
    const item = makeCase({ expect: { status: "loop_detected", reasonMatches: "calculator" } });
    expect(terminalState(item, makeRun({ status: "loop_detected", statusReason: "Loop detected: repeating calculator" }))?.score).toBe(1);
    const wrong = terminalState(item, makeRun({ status: "completed", statusReason: "The agent gave its answer." }))!;
    expect(wrong.score).toBe(0);
    expect(wrong.comment).toBe("expected loop_detected, got completed: The agent gave its answer.");
    expect(terminalState(item, makeRun({ status: "loop_detected", statusReason: "Loop detected: search" }))?.comment).toMatch(/reason does not match/);
  });

  it("terminal_state fails a run that never started even when the case expects failed", () => {
    const item = makeCase({ expect: { status: "failed" } });
    expect(terminalState(item, makeRun({ status: "failed", statusReason: "model down" }))?.score).toBe(1);
    const unstarted = terminalState(item, makeRun({ status: "failed", statusReason: "Error: services did not open", setupFailed: true }))!;
    expect(unstarted).toMatchObject({ score: 0, comment: "the run never started: Error: services did not open" });
  });

  it("tool_calls: a malformed call counts as tried for forbidden tools, not as made for required ones", () => {
    const run = makeRun({ toolCalls: [{ ...call("send_webhook", "{oops"), invalid: "not JSON" }] });
    expect(toolCalls(makeCase({ expect: { tools: { forbidden: ["send_webhook"] } } }), run)?.comment).toMatch(/^called forbidden send_webhook \(malformed, not run\)/);
    expect(toolCalls(makeCase({ expect: { tools: { required: ["send_webhook"] } } }), run)?.comment).toMatch(/^never called send_webhook/);
  });

  it("answer_contains scores the share of facts found and names the missing ones", () => {
    const item = makeCase({ expect: { answerContains: ["42", "forty-two"] } });
    expect(answerContains(item, makeRun({ answer: "It is 42, forty-two." }))?.score).toBe(1);
    const half = answerContains(item, makeRun())!;
    expect(half.score).toBe(0.5);
    expect(half.comment).toContain('"forty-two"');
    expect(answerContains(makeCase({}), makeRun())).toBeUndefined();
  });

  it("answer_matches checks every pattern", () => {
    const item = makeCase({ expect: { answerMatches: ["\\b42\\b"] } });
    expect(answerMatches(item, makeRun())?.score).toBe(1);
    expect(answerMatches(item, makeRun({ answer: "420" }))?.score).toBe(0);
  });

  it("tool_calls checks required, forbidden and order", () => {
    const item = makeCase({ expect: { tools: { required: ["search_knowledge", "calculator"], forbidden: ["send_webhook"], ordered: true } } });
    expect(toolCalls(item, makeRun({ toolCalls: [call("search_knowledge"), call("calculator")] }))?.score).toBe(1);
    expect(toolCalls(item, makeRun({ toolCalls: [call("calculator"), call("search_knowledge")] }))?.comment).toMatch(/out of order/);
    expect(toolCalls(item, makeRun({ toolCalls: [call("search_knowledge")] }))?.comment).toMatch(/never called calculator/);
    expect(toolCalls(item, makeRun({ toolCalls: [call("search_knowledge"), call("calculator"), call("send_webhook")] }))?.comment).toMatch(/called forbidden send_webhook/);
  });

  it("rail_events requires each expected kind", () => {
    const item = makeCase({ expect: { railEvents: ["guardrail_denied"] } });
    expect(railEvents(item, makeRun({ railEvents: [rail("guardrail_denied")] }))?.score).toBe(1);
    expect(railEvents(item, makeRun({ railEvents: [rail("loop_warning")] }))?.comment).toBe("no guardrail_denied event (recorded: loop_warning)");
  });

  it("budget fails when usage exceeds the case's allowance", () => {
    const item = makeCase({ expect: { budget: { maxTokens: 100, maxModelCalls: 1 } } });
    expect(budget(item, makeRun({ usage: { ...makeRun().usage, modelCalls: 1 } }))?.score).toBe(1);
    const over = budget(item, makeRun())!;
    expect(over.score).toBe(0);
    expect(over.comment).toBe("over budget: model calls 2 > 1");
  });

  it("no_secrets catches key shapes and configured secrets in answers and tool arguments, without printing them", () => {
    const scorer = noSecrets(["my-configured-secret-1234"]);
    const item = makeCase({});
    expect(scorer(item, makeRun())?.score).toBe(1);
    expect(scorer(item, makeRun({ answer: "use sk-abcdefghijklmnopqrstuvwx" }))?.comment).toMatch(/OpenAI-style key/);
    const leaked = scorer(item, makeRun({ toolCalls: [call("send_webhook", { token: "my-configured-secret-1234" })] }))!;
    expect(leaked.score).toBe(0);
    expect(leaked.comment).toContain("send_webhook");
    expect(leaked.comment).not.toContain("my-configured-secret-1234");
  });
});

describe("trajectory match (agentevals)", () => {
  it("strict needs the same steps in the same order", async () => {
    expect((await matchSteps("agents", "strict", ["researcher", "writer"], ["researcher", "writer"])).score).toBe(1);
    const swapped = await matchSteps("agents", "strict", ["writer", "researcher"], ["researcher", "writer"]);
    expect(swapped.score).toBe(0);
    expect(swapped.key).toBe("trajectory_agents_strict");
  });

  it("unordered ignores order but not missing steps", async () => {
    expect((await matchSteps("agents", "unordered", ["writer", "researcher"], ["researcher", "writer"])).score).toBe(1);
    expect((await matchSteps("agents", "unordered", ["writer"], ["researcher", "writer"])).score).toBe(0);
  });

  it("subset: nothing outside the reference; superset: everything in it", async () => {
    expect((await matchSteps("tools", "subset", ["search_knowledge"], ["search_knowledge", "web_search"])).score).toBe(1);
    expect((await matchSteps("tools", "subset", ["send_webhook"], ["search_knowledge"])).score).toBe(0);
    expect((await matchSteps("agents", "superset", ["researcher", "analyst", "operator"], ["operator"])).score).toBe(1);
    expect((await matchSteps("agents", "superset", ["researcher"], ["operator"])).score).toBe(0);
  });
});

describe("LLM-as-judge correctness (openevals, scripted judge)", () => {
  it("passes an answer that states the reference facts and fails one that does not, with the judge's reasoning", async () => {
    const item = makeCase({ expect: { answerContains: ["42"] } });
    const good = await scoreCorrectness(item, makeRun(), scriptedJudge);
    expect(good).toMatchObject({ key: "correctness", score: 1 });
    const bad = await scoreCorrectness(item, makeRun({ answer: "It is 24." }), scriptedJudge);
    expect(bad?.score).toBe(0);
    expect(bad?.comment).toContain('misses "42"');
  });

  it("a judge that fails leaves the verdict to the other scorers and says so", async () => {
    const broken = () => new ScriptedChatModel({ respond: () => new Error("judge endpoint down") });
    const score = (await scoreCorrectness(makeCase({ expect: { answerContains: ["42"] } }), makeRun(), broken))!;
    expect(score).toMatchObject({ key: "correctness", skipped: true });
    expect(score.comment).toMatch(/not judged: the judge model failed.*judge endpoint down/);
    expect(passes(score)).toBe(true);
  });

  it("a judge whose reply carries no verdict, or one that never answers, is noted, not counted", async () => {
    const garbled = () => new ScriptedChatModel({ respond: () => ({ structured: { reasoning: "I like turtles", score: "maybe" } }) });
    const score = (await scoreCorrectness(makeCase({ expect: { answerContains: ["42"] } }), makeRun(), garbled))!;
    expect(score).toMatchObject({ key: "correctness", skipped: true, comment: expect.stringMatching(/no usable verdict \(score "maybe"/) });
    const silent = () => new ScriptedChatModel({ respond: () => ({ content: "" }) });
    const hung = Object.assign(silent(), { invoke: () => new Promise(() => undefined) });
    const late = (await scoreCorrectness(makeCase({ expect: { answerContains: ["42"] } }), makeRun(), () => hung, 50))!;
    expect(late).toMatchObject({ skipped: true, comment: expect.stringMatching(/no verdict within 50 ms/) });
  });

  it("does not judge cases that expect another end than completion, nor an empty answer as correct", async () => {
    expect(await scoreCorrectness(makeCase({ expect: { status: "rejected", answerContains: ["x"] } }), makeRun(), scriptedJudge)).toBeUndefined();
    expect((await scoreCorrectness(makeCase({ expect: { reference: "42" } }), makeRun({ answer: "" }), scriptedJudge))?.score).toBe(0);
  });
});
