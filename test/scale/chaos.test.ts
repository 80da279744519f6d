/**
 * A small chaos run (the full bar is `npm run chaos`): worker processes holding runs are killed with
 * SIGKILL while runs with a side-effecting tool are in flight. Every run finishes, none is lost,
 * no webhook is delivered twice,
 * and no key of the run (nor a worker started to replace a killed one) outlives it.
 */
import { describe, expect, it } from "vitest";
import { runChaos } from "../support/chaos.js";

describe("chaos: SIGKILL workers mid-run", () => {
  it("20 runs, 4 kills: all finish, none lost, no duplicated side effect, no key left behind", async () => {
    const report = await runChaos({ runs: 20, kills: 4, workers: 3, concurrency: 4, delayMs: 250, killEveryMs: 1_000, timeoutMs: 150_000 });
    expect(report).toMatchObject({ runs: 20, finished: 20, failed: 0, lost: 0, kills: 4, duplicatedSideEffects: 0, missingSideEffects: 0, keysLeft: 0 });
    expect(report.runsHitByKills).toBeGreaterThanOrEqual(4);
  }, 200_000);
});
