/**
 * Bar: a model answering with random but schema-valid choices never makes a run hang or crash:
 * every run reaches a named terminal state within its budgets. A model answering with
 * malformed tool calls gets errors back and the run still ends cleanly. (`npm run fuzz:graphs`
 * runs many more seeds.)
 */
import { describe, expect, it } from "vitest";
import { TERMINAL_STATES } from "../agents/index.js";
import { GRAPHS } from "../graphs/index.js";
import { FUZZ_LIMITS, fuzzCatalog, fuzzRun, type FuzzOutcome } from "./support/fuzz-harness.js";

const SEEDS = [1, 2, 3, 4, 5, 6];
const catalog = fuzzCatalog();

function expectWithinBudgets(outcome: FuzzOutcome) {
  expect(TERMINAL_STATES, `${outcome.graphId}/${outcome.seed} ended in ${outcome.status}`).toContain(outcome.status);
  expect(outcome.usage.toolCalls).toBeLessThanOrEqual(FUZZ_LIMITS.maxToolCalls);
  // Budgets are checked before every call, so a run can overshoot by the calls already in flight:
  // at most one per parallel branch (the planner runs up to its plan size at once).
  expect(outcome.usage.totalTokens).toBeLessThan(FUZZ_LIMITS.maxTokens + 6 * outcome.largestCall);
  expect(outcome.usage.modelCalls).toBeLessThanOrEqual(FUZZ_LIMITS.maxModelCalls + 6);
}

describe.each(GRAPHS.map((graph) => graph.id))("fuzz: %s", (graphId) => {
  it("random but schema-valid choices always end in a named state within budgets", async () => {
    const outcomes = [];
    for (const seed of SEEDS) outcomes.push(await fuzzRun(graphId, seed, "random", catalog));
    outcomes.forEach(expectWithinBudgets);
  }, 120_000);

  it("malformed tool calls get errors back and the run still ends cleanly", async () => {
    for (const seed of SEEDS.slice(0, 4)) {
      const outcome = await fuzzRun(graphId, seed, "malformed", catalog);
      expectWithinBudgets(outcome);
      expect(outcome.status).not.toBeNull();
    }
  }, 120_000);
});
