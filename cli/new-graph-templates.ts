/**
 * The files `npm run new:graph -- <id>` writes: a small but complete topology in the house
 * shape (state, nodes, routes, graph, a test) that runs as generated and shows every seam a
 * real one uses — sub-agents as subgraphs, budgets handed down, a named terminal state.
 */

/** The generated files of graph `id`, by file name. */
export function graphTemplates(id: string): Record<string, string> {
  const pascal = id.replace(/(^|_)([a-z0-9])/g, (_m, _s, c: string) => c.toUpperCase());
  return {
    "state.ts": `/**
 * State of the ${id} graph: the conversation, the rails (limits, usage, rail events, terminal
 * state, the final answer), the goal of the current run and the work done so far.
 */
import { Annotation } from "@langchain/langgraph";
import { messagesChannel, railChannels } from "../../agents/index.js";
import type { WorkRecord } from "../shared/run.js";

const lastValue = <T>(initial: () => T) => Annotation<T>({ reducer: (_current: T, next: T) => next, default: initial });

/** The graph's state. */
export const ${pascal}State = Annotation.Root({
  messages: messagesChannel,
  ...railChannels,
  goal: lastValue<string>(() => ""),
  work: Annotation<WorkRecord[], WorkRecord[]>({ reducer: (current, next) => current.concat(next), default: () => [] }),
});

/** What callers may send: the conversation and optional limits. */
export const ${pascal}Input = Annotation.Root({ messages: messagesChannel, limits: railChannels.limits });

/** The graph's state type. */
export type ${pascal}StateType = typeof ${pascal}State.State;
/** An update a node returns. */
export type ${pascal}Update = typeof ${pascal}State.Update;
`,
    "nodes.ts": `/**
 * The ${id} graph's nodes: \`research\` hands the goal to the researcher, \`write\` hands the
 * findings to the writer, \`finish\` records the answer and the terminal state. Replace them
 * with your topology's steps; keep the rails: \`railsOf(...).check()\` before each model call or
 * delegation, \`.handDown()\` for a child's limits, \`.end(...)\` to end the run in a named state.
 */
import { AIMessage } from "@langchain/core/messages";
import { Overwrite, type LangGraphRunnableConfig } from "@langchain/langgraph";
import { emitProgress, railsOf, runSubagent, startRun, withEvents, withSpending, type Subagent } from "../../agents/index.js";
import { completionState, isNewRun, pendingGoal, stopAnswer, workRecord } from "../shared/run.js";
import type { ${pascal}StateType, ${pascal}Update } from "./state.js";

const AGENT = "${id}";

/** A node that runs \`subagent\` on a brief made from the state, with what is left of the budgets. */
export function createSubagentStep(subagent: Subagent, brief: (state: ${pascal}StateType) => string) {
  return async function step(state: ${pascal}StateType, config: LangGraphRunnableConfig): Promise<${pascal}Update> {
    let update: ${pascal}Update = {};
    let view = state;
    if (isNewRun(state)) {
      const start = startRun(state, config, { newRun: true });
      const goal = pendingGoal(state.messages)!;
      update = { ...start.update, goal, work: new Overwrite([]) };
      view = { ...start.view, goal, work: [] };
    }
    const rails = railsOf(view, config, { agent: AGENT });
    const stop = rails.check();
    if (stop) return rails.end(update, { ...stop, result: stopAnswer(stop, view.work) });
    const task = brief(view);
    emitProgress(config, { type: "handoff", from: AGENT, to: subagent.name, task });
    const output = await runSubagent(subagent, task, rails.handDown(), config);
    const result = output.result ?? \`(no result: \${output.statusReason ?? "unknown"})\`;
    const record = workRecord(subagent.name, task, result, output.status);
    const done: ${pascal}Update = { ...update, work: [record], messages: [new AIMessage({ content: result, name: subagent.name })] };
    const next = withEvents(withSpending(done, output.usage), output.railEvents);
    // A sub-agent that could not do its part ends the run in its state.
    if (output.status && output.status !== "completed" && output.status !== "rejected") return rails.end(next, { status: output.status, reason: output.statusReason ?? output.status, result });
    return next;
  };
}

/** The last node: the answer (here: the writer's result) and the run's terminal state. */
export async function finish(state: ${pascal}StateType, config: LangGraphRunnableConfig): Promise<${pascal}Update> {
  const result = state.work.at(-1)?.result ?? "(nothing was produced)";
  const message = new AIMessage({ content: result, name: AGENT });
  return railsOf(state, config, { agent: AGENT }).end({ messages: [message] }, { ...completionState(state.work), result });
}
`,
    "routes.ts": `/** The ${id} graph's routing (pure, typed with the node names it returns). */
import { END } from "@langchain/langgraph";
import type { ${pascal}StateType } from "./state.js";

/** Go on to \`next\`, unless a rail ended the run. */
export function continueUnlessEnded<Next extends string>(next: Next) {
  return (state: ${pascal}StateType): Next | typeof END => (state.status !== null ? END : next);
}
`,
    "graph.ts": `/**
 * The ${id} graph (scaffolded by \`npm run new:graph\`): research, then write, then finish.
 *
 *   START → research → write → finish → END
 */
import { END, START, StateGraph } from "@langchain/langgraph";
import { createSpecialists } from "../../agents/index.js";
import { resolveGraphDeps, type GraphDeps } from "../shared/deps.js";
import { defaultGraphServices } from "../shared/long-term.js";
import { createSubagentStep, finish } from "./nodes.js";
import { continueUnlessEnded } from "./routes.js";
import { ${pascal}Input, ${pascal}State } from "./state.js";

/** The graph id. */
export const GRAPH_ID = "${id}";

/** The uncompiled graph with the given services. */
export function create${pascal}Builder(deps: GraphDeps = {}) {
  const resolved = resolveGraphDeps(GRAPH_ID, deps);
  const [researcher, writer] = resolved.subagents ?? createSpecialists(resolved, ["researcher", "writer"]);
  return new StateGraph({ stateSchema: ${pascal}State, input: ${pascal}Input })
    .addNode("research", createSubagentStep(researcher!, (state) => state.goal), { subgraphs: [researcher!.graph as never] })
    .addNode("write", createSubagentStep(writer!, (state) => \`\${state.goal}\\n\\nFindings:\\n\${state.work.at(-1)?.result ?? ""}\`), { subgraphs: [writer!.graph as never] })
    .addNode("finish", finish)
    .addEdge(START, "research")
    .addConditionalEdges("research", continueUnlessEnded("write"), ["write", END])
    .addConditionalEdges("write", continueUnlessEnded("finish"), ["finish", END])
    .addEdge("finish", END);
}

/** The uncompiled graph with default services (the CLI and server compile it with their saver). */
export const builder = create${pascal}Builder(defaultGraphServices());

/** The compiled graph, for \`langgraph dev\` and LangGraph Studio. */
export const graph = builder.compile({ name: GRAPH_ID });
`,
    "graph.test.ts": `import { describe, expect, it } from "vitest";
import { HumanMessage } from "@langchain/core/messages";
import { ScriptedChatModel } from "../../lib/scripted/scripted-chat-model.js";
import { createSpecialist, staticModels } from "../../agents/index.js";
import { create${pascal}Builder } from "./graph.js";

describe("${id} graph", () => {
  it("researches, writes and finishes in the completed state", async () => {
    const models = staticModels({
      researcher: new ScriptedChatModel({ replies: ["Paris has 2.1M people."] }),
      writer: new ScriptedChatModel({ replies: ["Report: Paris has 2.1M people."] }),
    });
    const subagents = ["researcher", "writer"].map((name) => createSpecialist({ name, description: \`the \${name}\`, prompt: \`You are the \${name}.\`, tools: [], maxIterations: 3 }, { models }));
    const out = await create${pascal}Builder({ models, subagents }).compile().invoke({ messages: [new HumanMessage("Paris population report")] });
    expect(out.status).toBe("completed");
    expect(out.result).toBe("Report: Paris has 2.1M people.");
    expect(out.work.map((w) => w.agent)).toEqual(["researcher", "writer"]);
  });
});
`,
  };
}
