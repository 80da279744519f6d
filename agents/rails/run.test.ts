import { describe, expect, it } from "vitest";
import { Overwrite } from "@langchain/langgraph";
import { InvalidInputError } from "../../lib/errors.js";
import { addUsage, NO_USAGE, railEvent, type RailEvent } from "./budgets.js";
import { railsOf, startRun, type RailView, type RunSummary } from "./run.js";

const view = (over: Partial<RailView> = {}): RailView => ({ limits: null, usage: NO_USAGE, railEvents: [], startedAt: 0, ...over });
const spent = (over: Partial<typeof NO_USAGE>) => addUsage(NO_USAGE, over);

/** A config whose progress events are kept. */
function listening() {
  const events: { type: string }[] = [];
  return { events, config: { writer: (event: unknown) => void events.push(event as { type: string }) } };
}

describe("the rails check", () => {
  it("lets a run within its limits go on", () => {
    expect(railsOf(view(), {}, { agent: "a" }).check({ used: 1, max: 2, of: "model calls" })).toBeUndefined();
  });

  it("stops a cancelled run first, whatever else has tripped", () => {
    const controller = new AbortController();
    controller.abort();
    const rails = railsOf(view({ usage: spent({ totalTokens: 10 }) }), { signal: controller.signal, configurable: { limits: { maxTokens: 5 } } }, { agent: "a" });
    expect(rails.check()).toEqual({ status: "cancelled", reason: "The run was cancelled.", events: [] });
  });

  it("stops at a budget with a rail event naming it, before the iteration limit", () => {
    const rails = railsOf(view({ usage: spent({ totalTokens: 120, modelCalls: 3 }) }), { configurable: { limits: { maxTokens: 100 } } }, { agent: "researcher" });
    const stop = rails.check({ used: 3, max: 3, of: "model calls" })!;
    expect(stop.status).toBe("budget_exceeded");
    expect(stop.reason).toBe("The run's token budget is exhausted: used 120 of 100.");
    expect(stop.events).toMatchObject([{ kind: "budget_exceeded", agent: "researcher", detail: stop.reason }]);
  });

  it("says which iteration limit a node reached", () => {
    const specialist = railsOf(view(), {}, { agent: "analyst" }).check({ used: 8, max: 8, of: "model calls" })!;
    expect(specialist).toMatchObject({ status: "budget_exceeded", reason: "analyst reached its iteration limit (8 model calls)." });
    expect(specialist.events[0]!.kind).toBe("iteration_limit");
    const supervisor = railsOf(view(), {}, { agent: "supervisor" }).check({ used: 3, max: 3, of: "delegations" })!;
    expect(supervisor.reason).toBe("supervisor reached its limit of 3 delegations.");
  });

  it("runs within what the caller handed down, the run's settings and the graph's defaults, whichever is tighter", () => {
    const rails = railsOf(view({ limits: { maxTokens: 500, maxToolCalls: 40 } }), { configurable: { limits: { maxTokens: 800, maxCostUsd: 0.2 } } }, { agent: "a", defaultLimits: { maxToolCalls: 7 } });
    expect(rails.limits).toEqual({ maxTokens: 500, maxCostUsd: 0.2, maxToolCalls: 7, maxModelCalls: 60 });
    expect(rails.trip(spent({ costUsd: 0.2 }))?.reason).toMatch(/cost \(USD\) budget/);
  });

  it("hands a child what is left, split evenly between parallel children", () => {
    const rails = railsOf(view({ limits: { maxTokens: 1_000, maxCostUsd: 0.3, maxToolCalls: 9, maxModelCalls: 10 }, usage: spent({ totalTokens: 400, costUsd: 0.1, toolCalls: 3, modelCalls: 4 }) }), {}, { agent: "a" });
    expect(rails.handDown()).toEqual({ maxTokens: 600, maxCostUsd: 0.2, maxToolCalls: 6, maxModelCalls: 6 });
    expect(rails.handDown(4)).toEqual({ maxTokens: 150, maxCostUsd: 0.05, maxToolCalls: 1, maxModelCalls: 1 });
  });

  it("refuses bad settings, naming them", () => {
    expect(() => railsOf(view(), { configurable: { limits: { maxTokens: -1 } } }, { agent: "a" })).toThrow(InvalidInputError);
    expect(() => railsOf(view(), { configurable: { limits: { maxTokens: -1 } } }, { agent: "a" })).toThrow(/limits\.maxTokens/);
    expect(() => railsOf(view(), { configurable: { limits: { maxTokenz: 1 } } }, { agent: "a" })).toThrow(/maxTokenz/);
    expect(() => railsOf(view(), { configurable: { clock: 5 } }, { agent: "a" })).toThrow(/clock: must be a function/);
  });
});

describe("starting a run", () => {
  it("resets the rail channels of a new run and stamps its start with the run's clock", () => {
    const state = view({ usage: spent({ totalTokens: 9 }), railEvents: [railEvent("loop_warning", "a", "old")], startedAt: 1 });
    const recalled = [railEvent("memory_error", "a", "could not recall")];
    const { view: fresh, update } = startRun(state, { configurable: { clock: () => 5_000 } }, { newRun: true, events: recalled });
    expect(fresh).toMatchObject({ usage: NO_USAGE, railEvents: recalled, startedAt: 5_000 });
    expect(update).toMatchObject({ startedAt: 5_000, status: null, statusReason: null, result: null });
    expect(Overwrite.isInstance(update.usage) && update.usage.value).toEqual(NO_USAGE);
    expect(Overwrite.isInstance(update.railEvents) && update.railEvents.value).toEqual(recalled);
  });

  it("only stamps a run that has no start yet, and leaves a started one alone", () => {
    const config = { configurable: { clock: () => 7 } };
    expect(startRun(view({ startedAt: null, usage: spent({ totalTokens: 3 }) }), config, { newRun: false })).toMatchObject({ view: { startedAt: 7, usage: { totalTokens: 3 } }, update: { startedAt: 7 } });
    expect(startRun(view({ startedAt: 2 }), config, { newRun: false }).update).toEqual({});
  });
});

describe("the end-of-run summary", () => {
  it("records the terminal state, reason, result and rail events, and tells progress listeners", async () => {
    const { events, config } = listening();
    const tripped = railEvent("budget_exceeded", "a", "over");
    const update = await railsOf(view(), config, { agent: "a" }).end({ railEvents: new Overwrite<RailEvent[]>([railEvent("memory_error", "a", "x")]) }, { status: "budget_exceeded", reason: "over", result: "partial", events: [tripped] });
    expect(update).toMatchObject({ status: "budget_exceeded", statusReason: "over", result: "partial" });
    expect(Overwrite.isInstance<RailEvent[]>(update.railEvents) && update.railEvents.value.map((e) => e.kind)).toEqual(["memory_error", "budget_exceeded"]);
    expect(events).toEqual([{ type: "rail", event: tripped }, { type: "agent_end", agent: "a", status: "budget_exceeded", reason: "over" }]);
  });

  it("hands the whole run's summary to `record`, whose rail events join the run's", async () => {
    const { events, config } = listening();
    const earlier = railEvent("loop_warning", "a", "earlier");
    const summaries: RunSummary[] = [];
    const memoryError = railEvent("memory_error", "a", "could not store the episode");
    const rails = railsOf(view({ usage: spent({ totalTokens: 10, modelCalls: 1 }), railEvents: [earlier] }), config, { agent: "a" });
    const update = await rails.end({ usage: spent({ totalTokens: 5, modelCalls: 1 }) }, {
      status: "completed",
      reason: "done",
      result: "answer",
      record: async (summary) => (summaries.push(summary), [memoryError]),
    });
    expect(summaries).toEqual([{ agent: "a", status: "completed", statusReason: "done", result: "answer", usage: spent({ totalTokens: 15, modelCalls: 2 }), railEvents: [earlier] }]);
    expect(update.railEvents).toEqual([memoryError]);
    expect(events.map((e) => e.type)).toEqual(["rail", "agent_end"]);
  });
});
