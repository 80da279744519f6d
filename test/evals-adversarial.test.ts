/**
 * `npm run eval` on a dataset written only from the README, against an adversarial
 * OpenAI-compatible stub (errors, 429s, a hung upstream, malformed and unknown tool calls,
 * endless tool loops, a huge answer, empty replies, a cut stream), with malformed case lines
 * and a YAML dataset outside evals/datasets/. Every case must be in the report with a verdict
 * and a reason, and every verdict must be right; the exit code follows the verdicts.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
// langsmith/utils/jestlike (loaded by openevals) replaces the global `expect`; the vitest import is the real one.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { main } from "../evals/main.js";
import type { EvalReport } from "../evals/report.js";
import { reply, startOpenAIStub, type OpenAIStub, type RecordedRequest, type StubReply } from "./support/openai-stub.js";
import { capture, stubEvalEnv, unstubEvalEnv } from "./support/eval-env.js";

const HUGE = `The answer is FORTY-TWO. ${"padding ".repeat(250_000)}`;

/** The stub's "model": behaviour chosen by the [tag] in the goal. */
function behave(request: RecordedRequest): StubReply {
  const messages = request.body.messages as { role: string; content?: unknown }[];
  const text = JSON.stringify(messages);
  if (text.includes("expert data labeler")) return judge(request);
  const tag = /\[([a-z-]+)\]/.exec(text)?.[1] ?? "ok";
  const answered = messages.some((message) => message.role === "tool");
  switch (tag) {
    case "hang":
      return reply.hang(60_000);
    case "down":
      return reply.error(500, { message: "upstream exploded" });
    case "busy":
      return reply.error(429, { retryAfterSeconds: 0, message: "Rate limit reached for requests" });
    case "cut":
      return reply.disconnect(1);
    case "empty":
      return reply.text("");
    case "loop":
      return reply.toolCall("calculator", { expression: "6 * 7" });
    case "judge-hang":
      return reply.text("6 * 7 is 42. JUDGE-HANGS");
    case "huge":
      return reply.text(HUGE);
    case "badargs":
      return answered ? reply.text("I could not call the calculator.") : reply.toolCall("calculator", "{not json");
    case "unknown":
      return answered ? reply.text("There is no such tool; 6 * 7 is 42.") : reply.toolCall("launch_missiles", { target: "moon" });
    case "webhook":
      return answered ? reply.text("The webhook was not sent.") : reply.toolCall("send_webhook", { url: "https://example.com/hook", payload: { a: 1 } });
    default:
      return answered ? reply.text("6 * 7 is FORTY-TWO (42).") : reply.toolCall("calculator", { expression: "6 * 7" });
  }
}

function judge(request: RecordedRequest): StubReply {
  const output = JSON.stringify(request.body.messages).split("<output>")[1]?.split("</output>")[0] ?? "";
  if (output.includes("JUDGE-HANGS")) return reply.hang(60_000);
  const verdict = { reasoning: /42|forty-two/i.test(output) ? "States 42." : "Does not state 42.", score: /42|forty-two/i.test(output) };
  const forced = request.body.tool_choice?.function?.name ?? request.body.tools?.[0]?.function?.name;
  return request.body.response_format || !forced ? reply.text(JSON.stringify(verdict)) : reply.toolCall(forced, verdict);
}

/** Cases in the README's format, one a line; each says what it must show. */
const JSONL = [
  // Right verdicts that pass.
  { id: "ok-case-insensitive", graph: "agent", goal: "[ok] What is 6 * 7?", expect: { answerContains: ["forty-two"], answerMatches: ["FORTY-TWO \\(42\\)"], tools: { required: ["calculator"], forbidden: ["send_webhook"] } } },
  { id: "expects-failed-and-fails", graph: "agent", goal: "[down] What is 6 * 7?", expect: { status: "failed", reasonMatches: "500|exploded" } },
  { id: "expects-loop-and-loops", graph: "agent", goal: "[loop] What is 6 * 7?", expect: { status: "loop_detected" } },
  { id: "expects-budget-and-overruns", graph: "agent", goal: "[ok] What is 6 * 7?", limits: { maxModelCalls: 1 }, expect: { status: "budget_exceeded" } },
  { id: "expects-rejected-and-is", graph: "agent", goal: "[webhook] Send the webhook.", expect: { status: "rejected", railEvents: ["approval_rejected"] } },
  { id: "empty-replies-fail", graph: "agent", goal: "[empty] What is 6 * 7?", expect: { status: "failed", reasonMatches: "empty" } },
  { id: "judge-hangs-not-counted", graph: "agent", goal: "[judge-hang] What is 6 * 7?", expect: { answerContains: ["42"] } },
  { id: "huge-answer", graph: "agent", goal: "[huge] What is 6 * 7?", expect: { answerContains: ["forty-two"] } },
  // Wrong outcomes that must fail, with the reason.
  { id: "hangs", graph: "agent", goal: "[hang] What is 6 * 7?", expect: { answerContains: ["42"] } },
  { id: "upstream-500", graph: "agent", goal: "[down] What is 6 * 7?", expect: { answerContains: ["42"] } },
  { id: "rate-limited", graph: "agent", goal: "[busy] What is 6 * 7?" },
  { id: "stream-cut", graph: "agent", goal: "[cut] What is 6 * 7?" },
  { id: "expects-rejected-but-completes", graph: "agent", goal: "[ok] What is 6 * 7?", expect: { status: "rejected" } },
  { id: "expects-budget-but-loops", graph: "agent", goal: "[loop] What is 6 * 7?", expect: { status: "budget_exceeded" } },
  { id: "expects-failed-but-completes", graph: "agent", goal: "[ok] What is 6 * 7?", expect: { status: "failed" } },
  { id: "calls-unknown-forbidden-tool", graph: "agent", goal: "[unknown] What is 6 * 7?", expect: { tools: { forbidden: ["launch_missiles"] } } },
  { id: "malformed-tool-args", graph: "agent", goal: "[badargs] What is 6 * 7?", expect: { tools: { required: ["calculator"] } } },
  { id: "malformed-forbidden-tool", graph: "agent", goal: "[badargs] What is 6 * 7?", expect: { tools: { forbidden: ["calculator"] } } },
].map((item) => JSON.stringify(item));

const BROKEN_LINES = [
  `{"id": "not-json", "graph": "agent", "goal": "x"`,
  JSON.stringify({ id: "unknown-graph", graph: "no-such-graph", goal: "[ok] x" }),
  JSON.stringify({ id: "bad-regex", graph: "agent", goal: "[ok] x", expect: { answerMatches: ["(unclosed"] } }),
  JSON.stringify({ id: "ok-case-insensitive", graph: "agent", goal: "[ok] again" }),
];

const YAML = `# a YAML dataset: a list of cases
- id: yaml-ok
  graph: agent
  goal: "[ok] What is 6 * 7?"
  comment: an unknown field, dropped with a note
  expect:
    answerContains: [Forty-Two, 42]
- id: yaml-broken
  graph: agent
  expect: {status: completed}
`;

describe("npm run eval on an adversarial model", () => {
  let stub: OpenAIStub;
  let dir: string;
  beforeAll(async () => {
    stub = await startOpenAIStub();
    stub.onRequest(behave);
    dir = mkdtempSync(join(tmpdir(), "switchboard-evals-adversarial-"));
    writeFileSync(join(dir, "mine.jsonl"), [...JSONL, ...BROKEN_LINES].join("\n"));
    writeFileSync(join(dir, "mine.yaml"), YAML);
    writeFileSync(join(dir, "good.jsonl"), JSONL.slice(0, 2).join("\n"));
    stubEvalEnv({ OPENAI_API_KEY: "test-key", OPENAI_BASE_URL: stub.url, OPENAI_MAX_RETRIES: "0", OPENAI_BREAKER_THRESHOLD: "1000" });
  });
  afterAll(async () => {
    unstubEvalEnv();
    await stub.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("reports every case, broken ones included, with the right verdict and why", async () => {
    const out = capture();
    const err = capture();
    const reportPath = join(dir, "report.json");
    const code = await main(["--dataset", join(dir, "mine.jsonl"), "--dataset", join(dir, "mine.yaml"), "--out", reportPath, "--concurrency", "4", "--timeout", "2500"], out.stream, err.stream);
    const report = JSON.parse(readFileSync(reportPath, "utf8")) as EvalReport;
    const byId = Object.fromEntries(report.results.map((result) => [result.caseId, result]));
    const why = (id: string) => byId[id]!.why.join("\n");
    expect(Object.keys(byId).sort()).toEqual(
      ["ok-case-insensitive", "expects-failed-and-fails", "expects-loop-and-loops", "expects-budget-and-overruns", "expects-rejected-and-is", "empty-replies-fail", "huge-answer", "hangs", "upstream-500", "rate-limited", "stream-cut", "expects-rejected-but-completes", "expects-budget-but-loops", "expects-failed-but-completes", "calls-unknown-forbidden-tool", "malformed-tool-args", "malformed-forbidden-tool", "judge-hangs-not-counted", "mine:line-19", "unknown-graph", "bad-regex", "ok-case-insensitive~2", "yaml-ok", "yaml-broken"].sort(),
    );
    const passing = ["ok-case-insensitive", "expects-failed-and-fails", "expects-loop-and-loops", "expects-budget-and-overruns", "expects-rejected-and-is", "empty-replies-fail", "huge-answer", "judge-hangs-not-counted", "yaml-ok"];
    expect(report.results.filter((result) => result.passed).map((result) => result.caseId).sort(), JSON.stringify(report.results.map((r) => [r.caseId, r.why]))).toEqual(passing.sort());
    for (const result of report.results.filter((item) => !item.passed)) expect(result.why.length, result.caseId).toBeGreaterThan(0);
    expect(code).toBe(1);
    expect(report.passed).toBe(false);

    expect(why("hangs")).toMatch(/terminal_state: expected completed, got cancelled: timed out after 2500 ms/);
    expect(why("upstream-500")).toMatch(/terminal_state: expected completed, got failed: .*500/);
    expect(why("rate-limited")).toMatch(/terminal_state: expected completed, got failed: .*429/);
    expect(why("stream-cut")).toMatch(/terminal_state: expected completed, got failed/);
    expect(why("expects-rejected-but-completes")).toMatch(/terminal_state: expected rejected, got completed/);
    expect(why("expects-budget-but-loops")).toMatch(/terminal_state: expected budget_exceeded, got loop_detected/);
    expect(why("expects-failed-but-completes")).toMatch(/terminal_state: expected failed, got completed/);
    expect(why("calls-unknown-forbidden-tool")).toMatch(/tool_calls: called forbidden launch_missiles/);
    expect(why("malformed-tool-args")).toMatch(/tool_calls: never called calculator \(called: calculator \(malformed\)\)/);
    expect(why("malformed-forbidden-tool")).toMatch(/tool_calls: called forbidden calculator \(malformed, not run\)/);
    // A judge that hangs says nothing about the run: noted, not counted.
    expect(byId["judge-hangs-not-counted"]!.notes.join("\n")).toMatch(/correctness: not judged: .*no verdict within 2500 ms/);
    expect(why("mine:line-19")).toMatch(/case: .*Dataset 'mine' line 19: not JSON/);
    expect(why("unknown-graph")).toMatch(/case: .*line 20: graph:/);
    expect(why("bad-regex")).toMatch(/case: .*line 21: expect.answerMatches.0: not a valid regular expression/);
    expect(why("ok-case-insensitive~2")).toMatch(/id 'ok-case-insensitive' is twice in dataset 'mine'/);
    expect(why("yaml-broken")).toMatch(/case: .*Dataset 'mine' line 8: goal:/);
    expect(byId["yaml-ok"]!.notes).toEqual([expect.stringMatching(/^case: Dataset 'mine' line 2: ignored unknown field\(s\) comment/)]);
    // A huge answer is judged whole but kept clipped in the report.
    expect(byId["huge-answer"]!.run.answer.length).toBeLessThan(25_000);
    // The table lists every failed case with why.
    for (const id of Object.keys(byId).filter((key) => !passing.includes(key))) expect(out.text()).toContain(`✗ ${id}`);
    expect(err.text().match(/^\[\d+\/24\] (pass|FAIL) /gm)).toHaveLength(24);
  });

  it("exits 0 when every case passes", async () => {
    const code = await main(["--dataset", join(dir, "good.jsonl"), "--out", join(dir, "good.json"), "--timeout", "5000"], capture().stream, capture().stream);
    expect(code).toBe(0);
    expect((JSON.parse(readFileSync(join(dir, "good.json"), "utf8")) as EvalReport).results.map((result) => result.passed)).toEqual([true, true]);
  });
});

