import { describe, expect, it } from "vitest";
import { argsFromForm, formFields, pendingQuestions, resumeCommand, resumeValue } from "./approvals.js";

const approval = {
  type: "tool_approval",
  tool: "send_webhook",
  agent: "operator",
  args: { url: "https://hooks.example.com/x", payload: { text: "hi" } },
  sideEffect: "external_side_effect",
  summary: "operator wants to call send_webhook(...)",
  argsSchema: {
    type: "object",
    properties: { url: { type: "string", description: "the webhook's URL" }, payload: { type: "object" }, retries: { type: "integer" }, dryRun: { type: "boolean" } },
    required: ["url", "payload"],
  },
};

describe("approvals", () => {
  it("reads tool approvals and loop escalations from a thread's tasks, once per interrupt", () => {
    const questions = pendingQuestions("t1", {
      tasks: [
        { interrupts: [{ id: "i1", value: approval }] },
        { interrupts: [{ id: "i1", value: approval }, { id: "i2", value: { type: "loop_detected", agent: "researcher", detail: "same call 3 times", error: "say continue or stop" } }] },
        { interrupts: [{ id: "i3", value: "free text" }] },
      ],
    });
    expect(questions.map((q) => q.kind)).toEqual(["tool_approval", "loop", "other"]);
    expect(questions[0]).toMatchObject({ threadId: "t1", interruptId: "i1", tool: "send_webhook", agent: "operator", args: approval.args, problem: null });
    expect(questions[1]).toMatchObject({ agent: "researcher", detail: "same call 3 times", problem: "say continue or stop" });
    expect(pendingQuestions("t1", {})).toEqual([]);
  });

  it("answers in the API's vocabulary, keyed by interrupt id only when the thread waits on several", () => {
    const [question] = pendingQuestions("t1", { tasks: [{ interrupts: [{ id: "i1", value: approval }] }] });
    expect(resumeCommand(question!, { decision: "approve" }, 1)).toEqual({ resume: { decision: "approve" } });
    expect(resumeCommand(question!, { decision: "reject", reason: "  wrong channel " }, 2)).toEqual({ resume: { i1: { decision: "reject", reason: "wrong channel" } } });
    expect(resumeValue({ decision: "reject", reason: " " })).toEqual({ decision: "reject" });
    expect(resumeValue({ decision: "edit", args: { url: "u" } })).toEqual({ decision: "edit", args: { url: "u" } });
    expect(resumeValue({ action: "continue", note: "try the other source" })).toEqual({ action: "continue", note: "try the other source" });
    expect(resumeValue({ action: "continue", note: "" })).toEqual({ action: "continue" });
    expect(resumeValue({ action: "stop", reason: "enough" })).toEqual({ action: "stop", reason: "enough" });
  });

  it("builds the edit form from the tool's schema, filled with the call's arguments", () => {
    const [question] = pendingQuestions("t1", { tasks: [{ interrupts: [{ id: "i1", value: approval }] }] });
    if (question?.kind !== "tool_approval") throw new Error("expected an approval");
    const fields = formFields(question.args, question.schema);
    expect(fields.map(({ name, input, required }) => ({ name, input, required }))).toEqual([
      { name: "url", input: "text", required: true },
      { name: "payload", input: "json", required: true },
      { name: "retries", input: "number", required: false },
      { name: "dryRun", input: "boolean", required: false },
    ]);
    expect(fields[0]!.description).toBe("the webhook's URL");
    expect(JSON.parse(fields[1]!.value)).toEqual({ text: "hi" });
    // Without a schema, the arguments' own types decide.
    expect(formFields({ n: 2, note: "a\nb", tags: ["x"] }, null).map((f) => f.input)).toEqual(["number", "textarea", "json"]);
  });

  it("turns a filled form back into arguments, or names the field at fault", () => {
    const fields = formFields(approval.args, approval.argsSchema);
    expect(argsFromForm(fields, { url: "http://127.0.0.1:9/x", payload: '{"text":"edited"}', retries: "3", dryRun: "true" })).toEqual({
      args: { url: "http://127.0.0.1:9/x", payload: { text: "edited" }, retries: 3, dryRun: true },
    });
    expect(argsFromForm(fields, {})).toEqual({ args: approval.args });
    expect(argsFromForm(fields, { payload: "{oops" })).toMatchObject({ problem: expect.stringMatching(/^payload is not valid JSON/) });
    expect(argsFromForm(fields, { retries: "many" })).toEqual({ problem: "retries must be a number, got 'many'." });
    expect(argsFromForm(fields, { payload: " " })).toEqual({ problem: "payload is required." });
  });
});
