/**
 * Graphs Switchboard does not ship, served from a second langgraph.json to prove the server
 * serves any LangGraph.js project: an echo graph, one that pauses with interrupt(), and a
 * slow counter used to test cancellation, multitask strategies and reconnects.
 */
import { Annotation, END, START, StateGraph, interrupt, type LangGraphRunnableConfig } from "@langchain/langgraph";

const EchoState = Annotation.Root({
  messages: Annotation<{ role: string; content: string }[]>({ reducer: (a, b) => [...a, ...(Array.isArray(b) ? b : [b])], default: () => [] }),
  echoed: Annotation<number>({ reducer: (a, b) => a + b, default: () => 0 }),
});

/** Echoes the last message back. */
export const echo = new StateGraph(EchoState)
  .addNode("echo", (state) => ({ messages: [{ role: "ai", content: `echo: ${state.messages.at(-1)?.content ?? ""}` }], echoed: 1 }))
  .addEdge(START, "echo")
  .addEdge("echo", END)
  .compile({ name: "echo" });

const ApprovalState = Annotation.Root({
  request: Annotation<string>(),
  decision: Annotation<string>(),
  log: Annotation<string[]>({ reducer: (a, b) => [...a, ...b], default: () => [] }),
});

/** Asks a human to approve with interrupt(), then records the answer. */
export const approval = new StateGraph(ApprovalState)
  .addNode("prepare", (state) => ({ log: [`prepared ${state.request}`] }))
  .addNode("ask", (state) => {
    const answer = interrupt({ question: `approve ${state.request}?` }) as string;
    return { decision: answer, log: [`decided ${answer}`] };
  })
  .addEdge(START, "prepare")
  .addEdge("prepare", "ask")
  .addEdge("ask", END)
  .compile({ name: "approval" });

const SlowState = Annotation.Root({
  count: Annotation<number>({ reducer: (a, b) => a + b, default: () => 0 }),
  label: Annotation<string>(),
});

/** Counts `steps` ticks of `delayMs` each (configurable), writing a checkpoint per tick. */
export const slow = new StateGraph(SlowState)
  .addNode("tick", async (_state, config: LangGraphRunnableConfig) => {
    const delay = Number(config.configurable?.delayMs ?? 50);
    await new Promise((resolve, reject) => {
      const timer = setTimeout(resolve, delay);
      config.signal?.addEventListener("abort", () => (clearTimeout(timer), reject(new Error("aborted"))), { once: true });
    });
    config.writer?.({ tick: true });
    return { count: 1 };
  })
  .addEdge(START, "tick")
  .addConditionalEdges("tick", (state, config) => (state.count < Number((config as LangGraphRunnableConfig).configurable?.steps ?? 10) ? "tick" : END))
  .compile({ name: "slow" });

const TrivialState = Annotation.Root({ n: Annotation<number>({ reducer: (a, b) => a + b, default: () => 0 }) });

/** Three nodes, no model: the benchmark graph. */
export const trivial = new StateGraph(TrivialState)
  .addNode("a", () => ({ n: 1 }))
  .addNode("b", () => ({ n: 1 }))
  .addNode("c", () => ({ n: 1 }))
  .addEdge(START, "a")
  .addEdge("a", "b")
  .addEdge("b", "c")
  .addEdge("c", END)
  .compile({ name: "trivial" });

/** Fails in its only node: the error path of a run. */
export const failing = new StateGraph(TrivialState)
  .addNode("explode", () => {
    throw new Error("the node exploded");
  })
  .addEdge(START, "explode")
  .addEdge("explode", END)
  .compile({ name: "failing" });
