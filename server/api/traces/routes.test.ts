import { Hono } from "hono";
import { createMetricRegistry } from "../ops/metric-registry.js";
import { beforeAll, describe, expect, it } from "vitest";
import { SwitchboardError, UpstreamUnavailableError } from "../../../lib/errors.js";
import type { RunTrace, TraceStore } from "../../../tracing/trace.js";
import { MemoryTraceStore } from "../../../tracing/index.js";
import { tracedAgentRun } from "../../../test/support/traced-run.js";
import { registerCostMetrics, traceRoutes, type TraceRouteDeps } from "./index.js";

/** A bare app with the server's conventions: owner from a header, errors as { error, message }. */
function appWith(deps: TraceRouteDeps) {
  const app = new Hono();
  app.use(async function owner(c, next) {
    c.set("owner" as never, (c.req.header("x-owner") ?? "default") as never);
    await next();
  });
  app.route("/", traceRoutes(deps));
  app.onError((error, c) => {
    if (error instanceof SwitchboardError) return c.json({ error: error.code, message: error.message }, error.status as 404);
    return c.json({ error: "internal", message: "unexpected" }, 500);
  });
  return app;
}

describe("trace route", () => {
  const store = new MemoryTraceStore();
  let trace: RunTrace;
  beforeAll(async () => {
    trace = await tracedAgentRun(store, "thread-a", "alice");
  });
  const path = (thread: string, run: string, query = "") => `/threads/${thread}/runs/${run}/trace${query}`;

  it("returns the run's step tree with timings, prompts, tool calls, tokens and cost to its owner", async () => {
    const res = await appWith({ traceStore: store }).request(path("thread-a", trace.runId), { headers: { "x-owner": "alice" } });
    expect(res.status).toBe(200);
    const body = (await res.json()) as RunTrace;
    expect(body).toMatchObject({ runId: trace.runId, threadId: "thread-a", graphId: "agent", owner: "alice", terminalState: "completed" });
    expect(body.root).toMatchObject({ kind: "graph", name: "agent" });
    const json = JSON.stringify(body.root);
    expect(json).toContain('"kind":"model"');
    expect(json).toContain('"kind":"tool"');
    expect(json).toContain("Population of Paris?");
    expect(body.cost.total.modelCalls).toBe(2);
    expect(body.cost.total.costUsd).toBeGreaterThan(0);
    expect(body.cost.byTool.lookup).toMatchObject({ calls: 1, errors: 0 });
  });

  it("prints the same tree as the terminal with ?format=text", async () => {
    const res = await appWith({ traceStore: store }).request(path("thread-a", trace.runId, "?format=text"), { headers: { "x-owner": "alice" } });
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).toMatch(/^■ agent \[graph\]/m);
    expect(text).toMatch(/▸ lookup \[tool · agent\]/);
  });

  it("answers 404 alike for another owner, another thread, an unknown run and a run the server does not know", async () => {
    const bodies: unknown[] = [];
    const cases: [TraceRouteDeps, string, string][] = [
      [{ traceStore: store }, path("thread-a", trace.runId), "bob"],
      [{ traceStore: store }, path("thread-b", trace.runId), "alice"],
      [{ traceStore: store }, path("thread-a", "no-such-run"), "alice"],
      [{ traceStore: store, canReadRun: async () => false }, path("thread-a", trace.runId), "alice"],
    ];
    for (const [deps, url, owner] of cases) {
      const res = await appWith(deps).request(url, { headers: { "x-owner": owner } });
      expect(res.status).toBe(404);
      bodies.push(((await res.json()) as { error: string }).error);
    }
    expect(new Set(bodies)).toEqual(new Set(["not_found"]));
  });

  it("asks the injected lookup with the caller's owner, thread and run", async () => {
    const asked: string[][] = [];
    const deps = { traceStore: store, canReadRun: async (...args: string[]) => (asked.push(args), true) };
    const res = await appWith(deps).request(path("thread-a", trace.runId), { headers: { "x-owner": "alice" } });
    expect(res.status).toBe(200);
    expect(asked).toEqual([["alice", "thread-a", trace.runId]]);
  });

  it("rejects malformed ids and formats with 422, and a store outage with 503", async () => {
    const app = appWith({ traceStore: store });
    expect((await app.request(path("thread-a", "bad%20id"))).status).toBe(422);
    const badFormat = await app.request(path("thread-a", trace.runId, "?format=xml"));
    expect(badFormat.status).toBe(422);
    expect(((await badFormat.json()) as { message: string }).message).toMatch(/query.format/);
    const down: TraceStore = { ...store, durable: true, get: async () => { throw new UpstreamUnavailableError("redis", "RedisTraceStore.get", "Redis is away."); }, save: store.save, listRuns: store.listRuns, close: store.close };
    expect((await appWith({ traceStore: down }).request(path("thread-a", trace.runId))).status).toBe(503);
  });
});

describe("cost metrics", () => {
  it("counts tokens and USD per run, agent, tool and model into the given registry", async () => {
    const store = new MemoryTraceStore();
    const trace = await tracedAgentRun(store, "thread-m", "alice");
    const metrics = createMetricRegistry({ defaultMetrics: false });
    const { registry } = metrics;
    const costs = registerCostMetrics(metrics);
    costs.record(trace);
    costs.record(trace);
    const json = await registry.getMetricsAsJSON();
    const value = (name: string, labels: Record<string, string>) =>
      json
        .flatMap((metric) => metric.values.map((entry) => ({ ...entry, metricName: (entry as { metricName?: string }).metricName ?? metric.name })))
        .find((entry) => entry.metricName === name && Object.entries(labels).every(([key, label]) => entry.labels[key] === label))?.value;
    const agent = trace.cost.byAgent.agent!;
    expect(value("switchboard_agent_cost_usd_total", { graph_id: "agent", agent: "agent" })).toBeCloseTo(2 * agent.costUsd, 12);
    expect(value("switchboard_agent_tokens_total", { agent: "agent", direction: "input" })).toBe(2 * agent.inputTokens);
    expect(value("switchboard_tool_calls_total", { tool: "lookup", outcome: "ok" })).toBe(2);
    expect(value("switchboard_tokens_total", { graph_id: "agent", kind: "input" })).toBe(2 * trace.cost.total.inputTokens);
    expect(value("switchboard_tool_cost_usd_total", { tool: "lookup" })).toBeCloseTo(2 * trace.cost.byTool.lookup!.costUsd, 12);
    expect(value("switchboard_model_tokens_total", { model: "gpt-4o", direction: "output" })).toBe(2 * trace.cost.byModel["gpt-4o"]!.outputTokens);
    expect(value("switchboard_run_cost_usd_count", { graph_id: "agent", terminal_state: "completed" })).toBe(2);
    expect(await registry.metrics()).toContain("switchboard_run_tokens_bucket");
  });
});
