import { describe, expect, it } from "vitest";
import { limitsFromForm, parseRoute, routeHash, threadTimeline, type Route } from "./navigation.js";

describe("console navigation", () => {
  it("reads and writes every page's address, ids encoded", () => {
    const routes: Route[] = [
      { page: "run" },
      { page: "graph", assistantId: "supervisor" },
      { page: "approvals" },
      { page: "threads", threadId: null },
      { page: "threads", threadId: "a/b c" },
      { page: "trace", threadId: "t1", runId: "r1" },
      { page: "memory" },
    ];
    for (const route of routes) expect(parseRoute(routeHash(route))).toEqual(route);
    expect(parseRoute("")).toEqual({ page: "run" });
    expect(parseRoute("#/nonsense")).toEqual({ page: "run" });
    expect(parseRoute("#/trace/t1")).toEqual({ page: "trace", threadId: "t1", runId: null });
  });

  it("turns the limits form into configurable.limits, blank fields left out, nonsense refused", () => {
    expect(limitsFromForm({ maxTokens: "20000", maxCostUsd: "0.05", maxToolCalls: "" })).toEqual({ limits: { maxTokens: 20000, maxCostUsd: 0.05 } });
    expect(limitsFromForm({ maxTokens: "", maxCostUsd: "", maxToolCalls: "" })).toEqual({ limits: {} });
    expect(limitsFromForm({ maxTokens: "1.5", maxCostUsd: "", maxToolCalls: "" })).toEqual({ problem: "Max tokens must be a positive whole number, got '1.5'." });
    expect(limitsFromForm({ maxTokens: "", maxCostUsd: "-1", maxToolCalls: "" })).toMatchObject({ problem: expect.stringContaining("Max cost") });
  });

  it("puts a thread's runs and checkpoints on one timeline, oldest first", () => {
    const timeline = threadTimeline(
      [{ run_id: "r1", created_at: "2026-01-01T00:00:00.000Z", status: "success" }],
      [
        { checkpoint: { checkpoint_id: "c2" }, created_at: "2026-01-01T00:00:02.000Z", metadata: { step: 1, source: "loop", run_id: "r1" }, next: [] },
        { checkpoint: { checkpoint_id: "c1" }, created_at: "2026-01-01T00:00:01.000Z", metadata: { step: 0, source: "loop", run_id: "r1" }, next: ["supervisor"] },
        { checkpoint: { checkpoint_id: "c0" }, created_at: "2026-01-01T00:00:00.000Z", metadata: null, next: ["__start__"] },
      ],
    );
    expect(timeline.map((entry) => entry.id)).toEqual(["r1", "c0", "c1", "c2"]);
    expect(timeline[2]).toEqual({ kind: "checkpoint", id: "c1", at: "2026-01-01T00:00:01.000Z", label: "step 0 loop → supervisor", runId: "r1" });
    expect(timeline[1]!.label).toBe("checkpoint → __start__");
  });
});
