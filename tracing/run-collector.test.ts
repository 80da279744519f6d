import { AIMessage, HumanMessage } from "@langchain/core/messages";
import { RunnableLambda } from "@langchain/core/runnables";
import { tool } from "@langchain/core/tools";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { FakeListChatModel } from "@langchain/core/utils/testing";
import { RunCollector, type RecordedRun } from "./run-collector.js";

class Collect extends RunCollector {
  name = "collect";
  roots: RecordedRun[] = [];
  constructor() {
    super({ _awaitHandler: true });
  }
  protected async rootEnded(run: RecordedRun): Promise<void> {
    this.roots.push(run);
  }
}

const shape = (run: RecordedRun): unknown => ({ name: run.name, type: run.run_type, error: run.error?.split("\n")[0], children: run.child_runs.map(shape) });

describe("RunCollector", () => {
  it("keeps a chain's model and tool calls as its children, with what the steps read", async () => {
    const collector = new Collect();
    const add = tool(async ({ a, b }: { a: number; b: number }) => String(a + b), { name: "add", description: "adds", schema: z.object({ a: z.number(), b: z.number() }) });
    const model = new FakeListChatModel({ responses: ["sum is 3"] });
    const chain = RunnableLambda.from(async (input: string, config) => {
      await model.invoke([new HumanMessage(input)], config);
      return { result: await add.invoke({ a: 1, b: 2 }, config) };
    }).withConfig({ runName: "node" });
    await chain.invoke("add 1 and 2", { callbacks: [collector], metadata: { graph_id: "g" } });
    expect(collector.roots.map(shape)).toEqual([{ name: "node", type: "chain", error: undefined, children: [{ name: "FakeListChatModel", type: "llm", error: undefined, children: [] }, { name: "add", type: "tool", error: undefined, children: [] }] }]);
    const [root] = collector.roots;
    const [llm, call] = root!.child_runs;
    expect(root!.outputs).toEqual({ result: "3" });
    expect(root!.extra.metadata).toMatchObject({ graph_id: "g" });
    expect((llm!.inputs!.messages as HumanMessage[][])[0]![0]!.content).toBe("add 1 and 2");
    expect(((llm!.outputs as { generations: { message: AIMessage }[][] }).generations[0]![0]!.message).content).toBe("sum is 3");
    expect(call!.inputs).toEqual({ input: JSON.stringify({ a: 1, b: 2 }) });
    expect(call!.outputs).toMatchObject({ output: expect.anything() });
    expect(llm!.execution_order).toBeLessThan(call!.execution_order);
    expect(root!.end_time).toBeGreaterThanOrEqual(root!.start_time);
  });

  it("records an error with its message first, and ends the root once", async () => {
    const collector = new Collect();
    const failing = RunnableLambda.from(() => {
      throw new Error("the node exploded");
    }).withConfig({ runName: "explode" });
    await expect(failing.invoke(1, { callbacks: [collector] })).rejects.toThrow("the node exploded");
    expect(collector.roots.map(shape)).toEqual([{ name: "explode", type: "chain", error: "the node exploded", children: [] }]);
  });

  it("treats a run whose parent it never saw as a root", async () => {
    const collector = new Collect();
    await collector.handleChainStart({ lc: 1, type: "not_implemented", id: ["x", "Orphan"] }, {}, "child", "unknown-parent");
    await collector.handleChainEnd({ done: true }, "child");
    expect(collector.roots.map((run) => [run.name, run.parent_run_id, run.outputs])).toEqual([["Orphan", undefined, { done: true }]]);
  });
});
