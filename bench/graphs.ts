/**
 * `npm run bench:graphs`: orchestration overhead per agent hop with an instant scripted model,
 * for our `supervisor` graph with all rails on and for `createSupervisor` from
 * `@langchain/langgraph-supervisor` with the same agents (prompts, tools, tool descriptions)
 * and the same model, measured in one process, interleaved. Bars: time ≤ 1.25 × theirs,
 * prompt tokens sent per hop ≤ 1.0 × theirs.
 *
 * Each run: the supervisor hands the goal to researcher, analyst and writer in turn (3 hops);
 * each agent makes one tool call and answers; then the supervisor finishes.
 */
import { HumanMessage } from "@langchain/core/messages";
import { MemorySaver } from "@langchain/langgraph";
import { createReactAgent } from "@langchain/langgraph/prebuilt";
import { createSupervisor } from "@langchain/langgraph-supervisor";
import { z } from "zod";
import { ScriptedChatModel, type ScriptContext, type ScriptedReply } from "../lib/scripted/scripted-chat-model.js";
import { createSpecialist, staticModels, type AnyToolSpec } from "../agents/index.js";
import { toLangChainTools } from "../tools/index.js";
import { createSupervisorBuilder } from "../graphs/supervisor/graph.js";
import { supervisorPrompt } from "../graphs/supervisor/prompts.js";

const HOPS = ["researcher", "analyst", "writer"] as const;
const RUNS = Number(process.argv[2] ?? 60);
const WARMUP = 5;

const AGENTS = [
  { name: "researcher", description: "Finds facts and sources.", prompt: "You are the researcher. Find the facts for your task with your tool and report them with sources.", tool: "find_facts" },
  { name: "analyst", description: "Computes exact numbers.", prompt: "You are the analyst. Work out the numbers for your task with your tool and report the result.", tool: "compute" },
  { name: "writer", description: "Writes the deliverable.", prompt: "You are the writer. Compose the deliverable from your task and save it with your tool.", tool: "save_text" },
];

function toolSpec(name: string): AnyToolSpec {
  return {
    name,
    description: `The ${name.replace("_", " ")} tool: give it a query and it returns what it finds.`,
    schema: z.object({ query: z.string().describe("what to work on") }),
    timeoutMs: 5_000,
    sideEffect: "read_only",
    run: async ({ query }: { query: string }) => `result for ${query}`,
  };
}

/** The same behaviour for both systems: route through the hops in order, agents call one tool then answer. */
function scriptFor(system: "ours" | "theirs") {
  let hop = 0;
  const respond = (context: ScriptContext): ScriptedReply => {
    const names = context.tools.map((tool) => tool.name);
    if (names.includes("route")) {
      const next = HOPS[hop++];
      return { structured: next ? { next, task: `Do the ${next}'s part of the goal.`, answer: "" } : { next: "finish", task: "", answer: "Final answer from all results." } };
    }
    if (names.some((name) => name.startsWith("transfer_to_"))) {
      const next = HOPS[hop++];
      return next ? { toolCalls: [{ name: `transfer_to_${next}`, args: {} }] } : "Final answer from all results.";
    }
    const usedTool = context.messages.some((message) => message.getType() === "tool" && !String(message.name ?? "").startsWith("transfer"));
    return usedTool ? `Done: ${names[0]} gave its result.` : { toolCalls: [{ name: names[0]!, args: { query: "the goal" } }] };
  };
  return { respond, reset: () => (hop = 0), system };
}

function buildOurs() {
  const script = scriptFor("ours");
  const model = new ScriptedChatModel({ respond: script.respond });
  const provider = staticModels(model);
  const subagents = AGENTS.map((agent) =>
    createSpecialist({ name: agent.name, description: agent.description, prompt: agent.prompt, tools: [toolSpec(agent.tool)], maxIterations: 6 }, { models: provider }),
  );
  const graph = createSupervisorBuilder({ models: provider, subagents }).compile({ checkpointer: new MemorySaver() });
  // All rails on: every budget set (so every check runs), a price table, loop policy, the guardrailed executor.
  const configurable = {
    limits: { maxTokens: 1_000_000, maxCostUsd: 100, maxToolCalls: 1_000, maxModelCalls: 1_000 },
    prices: { scripted: { inputPerMillion: 0.15, outputPerMillion: 0.6 } },
    onLoop: "stop",
  };
  return { model, script, invoke: (thread: string) => graph.invoke({ messages: [new HumanMessage("Compare Paris and Berlin.")] }, { configurable: { ...configurable, thread_id: thread } }) };
}

function buildTheirs() {
  const script = scriptFor("theirs");
  const model = new ScriptedChatModel({ respond: script.respond });
  const agents = AGENTS.map((agent) =>
    createReactAgent({ llm: model, tools: toLangChainTools([toolSpec(agent.tool)]), name: agent.name, description: agent.description, prompt: agent.prompt }),
  );
  const team = AGENTS.map((agent) => ({ name: agent.name, description: agent.description }));
  // Their supervisor gets our supervisor's prompt, worded for handoff tools instead of `route`.
  const prompt = supervisorPrompt(team as never).replace("call route: either pick", "either transfer to").replace("or finish with", "or answer with");
  const graph = createSupervisor({ agents, llm: model, prompt }).compile({ checkpointer: new MemorySaver() });
  return { model, script, invoke: (thread: string) => graph.invoke({ messages: [new HumanMessage("Compare Paris and Berlin.")] }, { configurable: { thread_id: thread } }) };
}

type System = ReturnType<typeof buildOurs> | ReturnType<typeof buildTheirs>;

async function runOnce(system: System, thread: string): Promise<{ ms: number; promptTokens: number }> {
  system.script.reset();
  system.model.calls.length = 0;
  const started = performance.now();
  await system.invoke(thread);
  const ms = performance.now() - started;
  return { ms, promptTokens: system.model.calls.reduce((sum, call) => sum + call.inputTokens, 0) };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

async function main() {
  const ours = buildOurs();
  const theirs = buildTheirs();
  // Sanity: both do the same work (same number of model calls, every hop, a final answer).
  const check = (await ours.invoke("check-ours")) as { status: string; work: unknown[] };
  if (check.status !== "completed" || check.work.length !== HOPS.length) throw new Error(`our run did not complete its ${HOPS.length} hops: ${check.status}`);
  const theirCheck = (await theirs.invoke("check-theirs")) as { messages: { content: unknown }[] };
  if (!String(theirCheck.messages.at(-1)?.content).includes("Final answer")) throw new Error("their run did not finish");
  ours.script.reset();
  theirs.script.reset();
  await runOnce(ours, "count-ours");
  await runOnce(theirs, "count-theirs");
  if (ours.model.calls.length !== theirs.model.calls.length) throw new Error(`unequal work: ${ours.model.calls.length} vs ${theirs.model.calls.length} model calls`);
  const callsPerRun = ours.model.calls.length;
  for (let i = 0; i < WARMUP; i++) {
    await runOnce(ours, `warm-ours-${i}`);
    await runOnce(theirs, `warm-theirs-${i}`);
  }
  const samples = { ours: [] as number[], theirs: [] as number[] };
  const tokens = { ours: 0, theirs: 0 };
  for (let i = 0; i < RUNS; i++) {
    // Alternate who goes first, so drift on a busy machine hits both alike.
    const order: ["ours" | "theirs", System][] = i % 2 ? [["theirs", theirs], ["ours", ours]] : [["ours", ours], ["theirs", theirs]];
    for (const [name, system] of order) {
      const { ms, promptTokens } = await runOnce(system, `${name}-${i}`);
      samples[name].push(ms / HOPS.length);
      tokens[name] = promptTokens / HOPS.length;
    }
  }
  const ourMs = median(samples.ours);
  const theirMs = median(samples.theirs);
  const timeRatio = ourMs / theirMs;
  const tokenRatio = tokens.ours / tokens.theirs;
  console.log(`bench:graphs — ${RUNS} runs × ${HOPS.length} hops each (${callsPerRun} model calls per run on both sides), instant scripted model, MemorySaver, interleaved`);
  console.log(`  ours   (supervisor graph, all rails on)   ${ourMs.toFixed(2)} ms/hop   ${tokens.ours.toFixed(0)} prompt tokens/hop`);
  console.log(`  theirs (createSupervisor, same agents)    ${theirMs.toFixed(2)} ms/hop   ${tokens.theirs.toFixed(0)} prompt tokens/hop`);
  console.log(`  time ratio   ours/theirs = ${timeRatio.toFixed(3)}  (bar ≤ 1.25) ${timeRatio <= 1.25 ? "PASS" : "FAIL"}`);
  console.log(`  token ratio  ours/theirs = ${tokenRatio.toFixed(3)}  (bar ≤ 1.00) ${tokenRatio <= 1 ? "PASS" : "FAIL"}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
