import { describe, expect, it } from "vitest";
import { NO_USAGE } from "./budgets.js";
import { deadlineOf } from "./deadline.js";
import { railsOf, startRun, type RailView } from "./run.js";

/** A clock a test moves by hand. */
function manualClock(start: number) {
  const clock = { now: start, read: () => clock.now };
  return clock;
}

const fresh: RailView = { limits: null, usage: NO_USAGE, railEvents: [], startedAt: null };

describe("the deadline rail", () => {
  it("stops a run once maxDurationMs have passed since its start, naming the deadline", () => {
    const clock = manualClock(1_000_000);
    const config = { configurable: { limits: { maxDurationMs: 30_000 }, clock: clock.read } };
    const { view } = startRun(fresh, config, { newRun: true });
    expect(railsOf(view, config, { agent: "a" }).check()).toBeUndefined();
    clock.now += 29_999;
    expect(railsOf(view, config, { agent: "a" }).check()).toBeUndefined();
    clock.now += 1;
    const stop = railsOf(view, config, { agent: "a" }).check()!;
    expect(stop.status).toBe("budget_exceeded");
    expect(stop.reason).toBe(`The run's deadline ${new Date(1_030_000).toISOString()} (maxDurationMs 30000) has passed, 0 ms ago.`);
    expect(stop.events).toMatchObject([{ kind: "deadline_exceeded", agent: "a", detail: stop.reason }]);
  });

  it("is checked before the node's iteration limit and after cancellation", () => {
    const config = { configurable: { limits: { maxDurationMs: 10 }, clock: () => 50 } };
    const late = { ...fresh, startedAt: 0 };
    expect(railsOf(late, config, { agent: "a" }).check({ used: 9, max: 1, of: "model calls" })!.events[0]!.kind).toBe("deadline_exceeded");
    const controller = new AbortController();
    controller.abort();
    expect(railsOf(late, { ...config, signal: controller.signal }, { agent: "a" }).check()!.status).toBe("cancelled");
  });

  it("hands children the same absolute deadline, whole, however many run in parallel", () => {
    const config = { configurable: { limits: { maxDurationMs: 5_000, maxTokens: 900 }, clock: () => 2_000 } };
    const rails = railsOf({ ...fresh, startedAt: 1_000 }, config, { agent: "planner" });
    expect(rails.handDown()).toMatchObject({ deadline: 6_000, maxTokens: 900 });
    expect(rails.handDown(3)).toMatchObject({ deadline: 6_000, maxTokens: 300 });
    expect(rails.handDown(3)).not.toHaveProperty("maxDurationMs");
  });

  it("keeps a child inside its parent's deadline though its own start is later", () => {
    const config = { configurable: { limits: { maxDurationMs: 5_000 }, clock: () => 4_000 } };
    // The child started at 3,000 with the parent's deadline of 6,000: its own would be 8,000.
    const child = railsOf({ ...fresh, limits: { deadline: 6_000 }, startedAt: 3_000 }, config, { agent: "researcher" });
    expect(deadlineOf({ limits: child.limits, startedAt: 3_000 })).toBe(6_000);
    expect(child.handDown()).toMatchObject({ deadline: 6_000 });
    const late = railsOf({ ...fresh, limits: { deadline: 6_000 }, startedAt: 3_000 }, { configurable: { ...config.configurable, clock: () => 6_000 } }, { agent: "researcher" });
    expect(late.check()!.reason).toMatch(/^The run's deadline 1970-01-01T00:00:06.000Z/);
  });

  it("sets no deadline without maxDurationMs, and reads no clock then", () => {
    let reads = 0;
    const config = { configurable: { clock: () => (reads++, 0) } };
    const rails = railsOf({ ...fresh, startedAt: 0 }, config, { agent: "a" });
    expect(rails.check()).toBeUndefined();
    expect(rails.handDown()).not.toHaveProperty("deadline");
    expect(reads).toBe(0);
  });

  it("refuses a maxDurationMs that is not a positive whole number of milliseconds", () => {
    expect(() => railsOf(fresh, { configurable: { limits: { maxDurationMs: 1.5 } } }, { agent: "a" })).toThrow(/limits\.maxDurationMs/);
    expect(() => railsOf(fresh, { configurable: { limits: { maxDurationMs: 0 } } }, { agent: "a" })).toThrow(/limits\.maxDurationMs/);
  });
});
