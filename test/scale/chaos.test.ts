/**
 * A small chaos run (the full bar is `npm run chaos`): worker processes holding runs are killed with
 * SIGKILL while runs with a side-effecting tool are in flight. Every run finishes, none is lost,
 * every webhook arrives, none twice under two keys (a kill between delivery and the ledger's record
 * re-sends it under the same Idempotency-Key, as docs/operations.md promises), and no key of the run
 * (nor a worker started to replace a killed one) outlives it.
 */
import { describe, expect, it } from "vitest";
import { runChaos } from "../support/chaos.js";

describe("chaos: SIGKILL workers mid-run", () => {
  it("20 runs, 4 kills: all finish, none lost, a side effect repeated only under its own Idempotency-Key, no key left behind", async () => {
    const report = await runChaos({ runs: 20, kills: 4, workers: 3, concurrency: 4, delayMs: 250, killEveryMs: 1_000, timeoutMs: 150_000 });
    expect(report).toMatchObject({ runs: 20, finished: 20, failed: 0, lost: 0, kills: 4, missingSideEffects: 0, keysLeft: 0 });
    // At-least-once across a SIGKILL: a kill landing between delivery and the ledger's record
    // re-sends (at most once per kill), always under the key of the first delivery.
    expect(report.duplicatedSideEffects).toBeLessThanOrEqual(report.kills);
    expect(report.repeatedIdempotencyKeys).toBe(report.duplicatedSideEffects);
    expect(report.runsHitByKills).toBeGreaterThanOrEqual(4);
  }, 200_000);
});
