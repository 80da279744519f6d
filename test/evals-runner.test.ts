/**
 * `npm run eval` on the configured model, here the OpenAI-compatible stub: a tiny dataset with a
 * model that answers, a flaky one that recovers after a 429, one that is down (429 after 429)
 * and one that loops. The report must pass the first two and say why the last two failed.
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

const CASES = [
  { id: "answers", graph: "agent", goal: "[answers] What is 6 * 7?", expect: { answerContains: ["42"], tools: { required: ["calculator"] } } },
  { id: "flaky-recovers", graph: "agent", goal: "[flaky] What is 6 * 7?", expect: { answerContains: ["42"] } },
  { id: "model-down", graph: "agent", goal: "[down] What is 6 * 7?", expect: { answerContains: ["42"] } },
  { id: "loops", graph: "agent", goal: "[loop] What is 6 * 7?", expect: { answerContains: ["42"] } },
  { id: "leaks", graph: "agent", goal: "[leak] What is 6 * 7?", expect: { answerContains: ["42"] } },
];

/** The stub's "model": behaviour chosen by the tag in the goal; the judge answers by the answer it reads. */
function behave(request: RecordedRequest, seen: Map<string, number>): StubReply {
  const text = JSON.stringify(request.body.messages);
  if (text.includes("expert data labeler")) return judgeReply(request, /\b42\b/.test(text.split("<output>")[1]?.split("</output>")[0] ?? ""));
  const tag = /\[(answers|flaky|down|loop|leak)\]/.exec(text)?.[1] ?? "answers";
  const count = (seen.get(tag) ?? 0) + 1;
  seen.set(tag, count);
  const toolResults = (request.body.messages as { role: string }[]).filter((message) => message.role === "tool").length;
  if (tag === "down") return reply.error(429, { retryAfterSeconds: 0, message: "Rate limit reached for requests" });
  if (tag === "flaky" && count === 1) return reply.error(429, { retryAfterSeconds: 0, message: "Rate limit reached for requests" });
  if (tag === "loop") return reply.toolCall("calculator", { expression: "6 * 7" });
  if (tag === "leak") return reply.text("42. Use key sk-live-abcdefghijklmnopqrstuvwx and test-key to check.");
  return toolResults === 0 ? reply.toolCall("calculator", { expression: "6 * 7" }) : reply.text("6 * 7 is 42.");
}

/** A structured verdict, in whichever form the client asked for it (JSON schema or a forced function). */
function judgeReply(request: RecordedRequest, correct: boolean): StubReply {
  const verdict = { reasoning: correct ? "States 42." : "Does not state 42.", score: correct };
  const forced = request.body.tool_choice?.function?.name ?? request.body.tools?.[0]?.function?.name;
  return request.body.response_format || !forced ? reply.text(JSON.stringify(verdict)) : reply.toolCall(forced, verdict);
}

describe("npm run eval against an OpenAI-compatible model", () => {
  let stub: OpenAIStub;
  let dir: string;
  beforeAll(async () => {
    stub = await startOpenAIStub();
    const seen = new Map<string, number>();
    stub.onRequest((request) => behave(request, seen));
    dir = mkdtempSync(join(tmpdir(), "switchboard-evals-"));
    writeFileSync(join(dir, "tiny.jsonl"), CASES.map((item) => JSON.stringify(item)).join("\n"));
    stubEvalEnv({ OPENAI_API_KEY: "test-key", OPENAI_BASE_URL: stub.url, OPENAI_MAX_RETRIES: "1", OPENAI_BREAKER_THRESHOLD: "1000" });
  });
  afterAll(async () => {
    unstubEvalEnv();
    await stub.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("passes the good and the recovering model, and says why the down and the looping ones failed", async () => {
    const out = capture();
    const err = capture();
    const reportPath = join(dir, "report.json");
    const code = await main(["--dataset", join(dir, "tiny.jsonl"), "--out", reportPath, "--concurrency", "2", "--timeout", "20000"], out.stream, err.stream);
    expect(code).toBe(1);
    const report = JSON.parse(readFileSync(reportPath, "utf8")) as EvalReport;
    const byId = Object.fromEntries(report.results.map((result) => [result.caseId, result]));
    expect(Object.keys(byId).sort()).toEqual(["answers", "flaky-recovers", "leaks", "loops", "model-down"]);
    expect(byId.answers!.passed).toBe(true);
    expect(byId.answers!.scores.find((score) => score.key === "correctness")).toMatchObject({ score: 1 });
    expect(byId["flaky-recovers"]!.passed).toBe(true);
    expect(byId["model-down"]!.passed).toBe(false);
    expect(byId["model-down"]!.why.join("\n")).toMatch(/terminal_state: expected completed, got failed: .*HTTP 429.*Rate limit reached/);
    expect(byId.loops!.passed).toBe(false);
    expect(byId.loops!.why.join("\n")).toMatch(/terminal_state: expected completed, got loop_detected: Loop detected/);
    expect(byId.loops!.why.join("\n")).toMatch(/correctness: judge: Does not state 42/);
    // A leaked credential fails the case, and neither it nor the configured key is kept in the report.
    expect(byId.leaks!.passed).toBe(false);
    expect(byId.leaks!.why).toEqual(["no_secrets: the answer contains a configured secret (…-key)"]);
    expect(readFileSync(reportPath, "utf8")).not.toMatch(/sk-live-abcdefghijklmnopqrstuvwx|test-key/);
    expect(report.graphs).toEqual([expect.objectContaining({ graph: "agent", runs: 5, passed: 2, passRate: 0.4 })]);
    expect(report.graphs[0]!.tokens).toBeGreaterThan(0);
    // The table tells the same story, with why.
    expect(out.text()).toContain("agent: 2/5 runs passed (40%)");
    expect(out.text()).toMatch(/✗ loops\n\s+terminal_state: expected completed, got loop_detected/);
    expect(out.text()).toMatch(/✗ model-down\n\s+terminal_state: expected completed, got failed/);
    // Not a TTY: one plain progress line per run.
    expect(err.text().match(/^\[\d\/5\] (pass|FAIL) agent\//gm)).toHaveLength(5);
  });
});

