/**
 * One fuzz run: a registered graph on a random (or malformed) scripted model with the real
 * tools, answering every pause at random, until the run reaches its terminal state. Used by
 * the quick fuzz test and by `npm run fuzz:graphs` (many more runs).
 */
import { HumanMessage } from "@langchain/core/messages";
import { Command, MemorySaver } from "@langchain/langgraph";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseEnv } from "../../lib/env.js";
import { ScriptedChatModel } from "../../lib/scripted/scripted-chat-model.js";
import { malformedReplies, randomReplies } from "../../lib/scripted/random-model.js";
import { seededRandom } from "../../lib/scripted/schema-samples.js";
import { createToolCatalog, type ToolCatalog } from "../../tools/index.js";
import { staticModels, type RailEvent, type RunLimits, type TerminalState, type Usage } from "../../agents/index.js";
import { getGraph } from "../../graphs/index.js";

/** Budgets of every fuzz run. */
export const FUZZ_LIMITS: Required<Pick<RunLimits, "maxTokens" | "maxToolCalls" | "maxModelCalls">> = { maxTokens: 40_000, maxToolCalls: 12, maxModelCalls: 30 };

/** What a fuzz run ended with. */
export interface FuzzOutcome {
  graphId: string;
  seed: number;
  status: TerminalState | null;
  usage: Usage;
  resumes: number;
  railEvents: RailEvent[];
  /** The largest single model call (tokens), to bound the overshoot of the token budget. */
  largestCall: number;
}

/** Tools for fuzzing: the real catalog, writing into a temporary workspace, with DNS that fails at once. */
export function fuzzCatalog(): ToolCatalog {
  return createToolCatalog({
    env: parseEnv({ WORKSPACE_DIR: mkdtempSync(join(tmpdir(), "sb-fuzz-")) }),
    resolve: async (host) => {
      throw new Error(`fuzz: no DNS for ${host}`);
    },
  });
}

/** Runs one graph to its end; throws if it crashes or pauses more than `maxResumes` times. */
export async function fuzzRun(graphId: string, seed: number, mode: "random" | "malformed", catalog: ToolCatalog, maxResumes = 25): Promise<FuzzOutcome> {
  const model = new ScriptedChatModel({ respond: mode === "random" ? randomReplies(seed) : malformedReplies(seed), modelName: "scripted" });
  const graph = getGraph(graphId).createBuilder({ models: staticModels(model), tools: catalog }).compile({ checkpointer: new MemorySaver() });
  const random = seededRandom(seed ^ 0x5bd1e995);
  const config = {
    configurable: { thread_id: `fuzz-${graphId}-${mode}-${seed}`, limits: FUZZ_LIMITS, onLoop: random() < 0.5 ? "ask" : "stop" },
    recursionLimit: 500,
  };
  let input: unknown = { messages: [new HumanMessage(`fuzz goal ${seed}: compare paris and berlin, write a report, notify the team`)] };
  let resumes = 0;
  for (;;) {
    await graph.invoke(input, config);
    const snapshot = await graph.getState(config);
    const pending = (snapshot.tasks as { interrupts?: { id: string; value: { type?: string } }[] }[]).flatMap((task) => task.interrupts ?? []);
    if (pending.length === 0) {
      const values = snapshot.values as { status: TerminalState | null; usage: Usage; railEvents: RailEvent[] };
      const largestCall = model.calls.reduce((max, call) => Math.max(max, call.inputTokens + call.outputTokens), 0);
      return { graphId, seed, status: values.status, usage: values.usage, resumes, railEvents: values.railEvents, largestCall };
    }
    if (++resumes > maxResumes) throw new Error(`fuzz run ${graphId}/${seed} paused more than ${maxResumes} times`);
    input = new Command({ resume: Object.fromEntries(pending.map((interrupt) => [interrupt.id, randomAnswer(interrupt.value, random)])) });
  }
}

function randomAnswer(value: { type?: string }, random: () => number): unknown {
  const roll = random();
  if (value.type === "loop_detected") return roll < 0.5 ? { action: "continue", note: "try something else" } : { action: "stop" };
  if (value.type === "tool_approval") {
    if (roll < 0.4) return { decision: "approve" };
    if (roll < 0.6) return { decision: "edit", args: { url: "https://hooks.example.com/x", payload: { edited: true } } };
    if (roll < 0.9) return { decision: "reject", reason: "fuzz says no" };
    return "gibberish";
  }
  return roll < 0.5 ? "yes" : { whatever: true };
}
