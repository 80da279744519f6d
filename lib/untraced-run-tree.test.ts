/**
 * The reusing `runWithConfig` leaves in async local storage what core's own leaves: the same
 * fields on the disabled root run tree (only its id, times and order are its own, in the same
 * shapes), the runnable's config, context variables, and the LangSmith tracer's run tree when
 * one is configured. An upgrade of core or langsmith that changes either side fails here.
 */
import { CallbackManager } from "@langchain/core/callbacks/manager";
import { getContextVariable, registerConfigureHook, setContextVariable } from "@langchain/core/context";
import { RunnableLambda, type RunnableConfig } from "@langchain/core/runnables";
import { AsyncLocalStorageProviderSingleton } from "@langchain/core/singletons";
import { LangChainTracer } from "@langchain/core/tracers/tracer_langchain";
import { Annotation, StateGraph } from "@langchain/langgraph";
import { Client, RunTree } from "langsmith";
import { afterAll, describe, expect, it } from "vitest";
import { installUntracedRunTreeReuse, originalRunWithConfig, reusingRunWithConfig } from "./untraced-run-tree.js";

const provider = AsyncLocalStorageProviderSingleton as unknown as { runWithConfig: typeof originalRunWithConfig; getInstance(): { getStore(): unknown; run<T>(store: unknown, callback: () => T): T } };
const OWN_PER_RUN = ["id", "trace_id", "start_time", "dotted_order", "_serialized_start_time", "extra", "child_runs"];
const CHILD_CONFIG = Symbol.for("lc:child_config");

type Tree = Omit<RunTree, "_serialized_start_time"> & Record<string, unknown>;

/** What each implementation leaves in the store, read inside its callback. */
function storeOf(run: typeof originalRunWithConfig, config: RunnableConfig | undefined, avoid?: boolean): Tree {
  return run.call(provider, config, () => provider.getInstance().getStore(), avoid) as Tree;
}

/** A LangSmith client that sends nothing. */
function offlineClient(): Client {
  const client = new Client({ apiUrl: "http://127.0.0.1:9", apiKey: "test", autoBatchTracing: false });
  client.createRun = async () => undefined;
  return client;
}

/** A LangSmith tracer that has seen the chain run `parent` start. */
async function tracerWithRun(parent: string): Promise<LangChainTracer> {
  const tracer = new LangChainTracer({ client: offlineClient(), projectName: "test" });
  await tracer.handleChainStart({ lc: 1, type: "not_implemented", id: ["parent"] }, {}, parent);
  return tracer;
}

afterAll(() => {
  provider.runWithConfig = originalRunWithConfig;
});

describe("reusingRunWithConfig", () => {
  const config: RunnableConfig = { configurable: { thread_id: "t" }, tags: ["a"], metadata: { k: 1 } };

  it("leaves a disabled root run tree with the same fields as core's", () => {
    const expected = storeOf(originalRunWithConfig, config);
    const actual = storeOf(reusingRunWithConfig, config);
    expect(actual).toBeInstanceOf(RunTree);
    expect(Object.keys(actual).sort()).toEqual(Object.keys(expected).sort());
    for (const key of Object.keys(expected).filter((key) => !OWN_PER_RUN.includes(key))) expect([key, actual[key]]).toEqual([key, expected[key]]);
    expect(actual.tracingEnabled).toBe(false);
    expect(actual.extra).toEqual(expected.extra);
    expect(actual.extra[CHILD_CONFIG as unknown as string]).toBe(config);
    expect(actual.child_runs).toEqual([]);
    // Its own id, in the same shapes: a v7 uuid, the trace it roots, a dotted order of time and id.
    expect(actual.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(actual.trace_id).toBe(actual.id);
    const shape = (tree: Tree) => [String(tree.dotted_order).replace(tree.id, "<id>").replace(/\d/g, "9"), String(tree._serialized_start_time).replace(/\d/g, "9"), typeof tree.start_time];
    expect(shape(actual)).toEqual(shape(expected));
    expect(String(actual.dotted_order).endsWith(actual.id)).toBe(true);
  });

  it("gives every run its own id and lists, so children under one never reach another", () => {
    const first = storeOf(reusingRunWithConfig, config);
    const second = storeOf(reusingRunWithConfig, config);
    expect(second.id).not.toBe(first.id);
    const child = first.createChild({ name: "child" });
    expect(child.tracingEnabled).toBe(false);
    expect(child.dotted_order.startsWith(`${first.dotted_order}.`)).toBe(true);
    expect(second.child_runs).toEqual([]);
    expect(storeOf(reusingRunWithConfig, config).child_runs).toEqual([]);
    for (const key of ["extra", "serialized", "inputs", "replicas"]) expect(second[key]).not.toBe(first[key]);
  });

  it("keeps context variables, with and without a root run tree", async () => {
    for (const avoid of [false, true]) {
      const seen = (await Promise.all(
        [originalRunWithConfig, reusingRunWithConfig].map((run) =>
          run.call(provider, undefined, async () => {
            setContextVariable("switchboard_test", "value");
            return run.call(provider, config, () => [getContextVariable("switchboard_test"), AsyncLocalStorageProviderSingleton.getRunnableConfig()], avoid);
          }),
        ),
      )) as unknown[][];
      expect(seen[1]).toEqual(seen[0]);
      expect(seen[1]![0]).toBe("value");
    }
  });

  it("hands over the LangSmith tracer's run tree when the run has a traced parent", async () => {
    const parent = "0193f3c1-8f5b-7c2e-9a41-3f1e2d4c5b6a";
    const tracer = await tracerWithRun(parent);
    const traced: RunnableConfig = { callbacks: new CallbackManager(parent, { handlers: [tracer] }) };
    const expected = storeOf(originalRunWithConfig, traced);
    const actual = storeOf(reusingRunWithConfig, traced);
    expect(expected).toBeInstanceOf(RunTree);
    expect(actual.id).toBe(expected.id);
    expect(actual.extra[CHILD_CONFIG as unknown as string]).toBe(traced);
  });

  it("takes core's path when a traced run tree surrounds the run (a traceable around a graph)", async () => {
    const outer = new RunTree({ name: "outer", tracingEnabled: true, client: offlineClient(), project_name: "test" });
    const inside = (run: typeof originalRunWithConfig) => provider.getInstance().run(outer, () => storeOf(run, config));
    const expected = inside(originalRunWithConfig);
    const actual = inside(reusingRunWithConfig);
    expect(expected.tracingEnabled).toBe(true);
    expect(actual.tracingEnabled).toBe(true);
    expect(actual.id).toBe(expected.id);
  });

  it("takes core's path when configure hooks could add a tracer", async () => {
    const parent = "0193f3c1-8f5b-7c2e-9a41-3f1e2d4c5b6b";
    const tracer = await tracerWithRun(parent);
    const ids = await provider.getInstance().run(undefined, async () => {
      registerConfigureHook({ contextVar: "switchboard_test_tracer" });
      setContextVariable("switchboard_test_tracer", tracer);
      const hooked: RunnableConfig = { callbacks: new CallbackManager(parent) };
      return [storeOf(originalRunWithConfig, hooked).id, storeOf(reusingRunWithConfig, hooked).id];
    });
    expect(ids[1]).toBe(ids[0]);
  });

  it("takes core's path when the environment turns LangSmith tracing on", () => {
    const parented: RunnableConfig = { callbacks: new CallbackManager("0193f3c1-8f5b-7c2e-9a41-3f1e2d4c5b6c") };
    const before = process.env.LANGSMITH_TRACING;
    process.env.LANGSMITH_TRACING = "true";
    try {
      const expected = storeOf(originalRunWithConfig, parented);
      const actual = storeOf(reusingRunWithConfig, parented);
      expect([actual === undefined, actual?.tracingEnabled]).toEqual([expected === undefined, expected?.tracingEnabled]);
    } finally {
      if (before === undefined) delete process.env.LANGSMITH_TRACING;
      else process.env.LANGSMITH_TRACING = before;
    }
  });

  it("once installed, a node's nested runnable still inherits the node's config", async () => {
    installUntracedRunTreeReuse();
    const seen: unknown[] = [];
    const nested = RunnableLambda.from(async (_input: unknown, nestedConfig?: RunnableConfig) => void seen.push(nestedConfig?.configurable?.thread_id));
    const State = Annotation.Root({ n: Annotation<number> });
    const graph = new StateGraph(State)
      .addNode("node", async () => {
        // No config passed: core finds the node's config in async local storage.
        await nested.invoke(null);
        return { n: 1 };
      })
      .addEdge("__start__", "node")
      .compile();
    await graph.invoke({ n: 0 }, { configurable: { thread_id: "from-the-run" } });
    expect(provider.runWithConfig).toBe(reusingRunWithConfig);
    expect(seen).toEqual(["from-the-run"]);
  });
});
