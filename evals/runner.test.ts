// langsmith/utils/jestlike (loaded by openevals) replaces the global `expect`; the vitest import is the real one.
import { describe, expect, it } from "vitest";
import type { BaseMessage } from "@langchain/core/messages";
import type { ChatResult } from "@langchain/core/outputs";
import { parseEnv } from "../lib/env.js";
import { ScriptedChatModel } from "../lib/scripted/scripted-chat-model.js";
import { evalCaseSchema, type EvalCase } from "./case.js";
import { caseRunner, runEval } from "./runner.js";

/** A model that never answers and ignores every abort signal: only the runner's own deadline ends its run. */
class DeafModel extends ScriptedChatModel {
  override async _generate(_messages: BaseMessage[]): Promise<ChatResult> {
    return new Promise(() => undefined);
  }
  // eslint-disable-next-line require-yield
  override async *_streamResponseChunks(): AsyncGenerator<never> {
    await new Promise(() => undefined);
  }
}

const env = parseEnv({ SWITCHBOARD_SKIP_DOTENV: "1", LOG_LEVEL: "silent" });
const makeCase = (fields: Record<string, unknown>): EvalCase => ({ ...evalCaseSchema.parse({ graph: "agent", goal: "Compute 6 * 7", ...fields }), dataset: "unit" });

describe("eval runner", () => {
  it("gives a verdict with a reason to a run whose model hangs deaf to cancellation, and to one whose model throws", async () => {
    const deaf = new DeafModel({ modelName: "deaf" });
    const hung = await caseRunner({ env, timeoutMs: 300, judge: false, models: () => deaf })(makeCase({ id: "hung" }), 1);
    expect(hung).toMatchObject({ passed: false, run: { status: "cancelled" } });
    expect(hung.why.join("\n")).toMatch(/terminal_state: expected completed, got cancelled: timed out after 300 ms/);

    const broken = new ScriptedChatModel({ respond: () => new TypeError("Cannot read properties of undefined (reading 'choices')") });
    const threw = await caseRunner({ env, timeoutMs: 10_000, judge: false, models: () => broken })(makeCase({ id: "threw", expect: { status: "failed" } }), 1);
    expect(threw.run.status).toBe("failed");
    expect(threw.run.statusReason).toMatch(/reading 'choices'/);
    expect(threw.passed).toBe(true);
  });

  it("reports an invalid case as failed with its reason, without running it", async () => {
    const invalid = { ...makeCase({ id: "bad" }), invalid: "Dataset 'unit' line 3: graph: no such graph" };
    const [result] = await runEval({ env, cases: [invalid], judge: false });
    expect(result).toMatchObject({ caseId: "bad", passed: false, why: ["case: the case is invalid, so it did not run: Dataset 'unit' line 3: graph: no such graph"], run: { status: "failed", agents: [] } });
  });
});
