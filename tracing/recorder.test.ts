import type { RecordedRun } from "./run-collector.js";
import { describe, expect, it } from "vitest";
import { silentLogger } from "../lib/logger.js";
import { TraceRecorder } from "./recorder.js";
import type { RunTrace, TraceStore } from "./trace.js";

/** A store that refuses the first `failures` saves, as a trace store on a Redis that went away does. */
function flakyStore(failures: number): TraceStore & { saved: RunTrace[] } {
  let refused = 0;
  const saved: RunTrace[] = [];
  return {
    saved,
    durable: true,
    async save(trace) {
      if (refused < failures) {
        refused += 1;
        throw new Error("The client is closed");
      }
      saved.push(structuredClone(trace));
    },
    get: async () => null,
    listRuns: async () => [],
    close: async () => undefined,
  };
}

describe("TraceRecorder while the trace store is away", () => {
  it("keeps the trace and saves it, with its latest terminal state, once the store takes it", async () => {
    const store = flakyStore(3);
    const runId = crypto.randomUUID();
    const recorder = new TraceRecorder(
      { runId, threadId: "t", graphId: "g", owner: "o" },
      { store, maxBytes: 100_000, logger: silentLogger(), prices: {} as never, maxFieldChars: 1_000, anonymize: (value) => value, retryDelaysMs: [10, 10, 10, 10, 10] },
    );
    const now = Date.now();
    const root: RecordedRun = { id: runId, name: "g", run_type: "chain", tags: [], start_time: now, end_time: now + 5, outputs: { status: "completed" }, child_runs: [], execution_order: 1, extra: {} };
    await (recorder as unknown as { rootEnded(run: RecordedRun): Promise<void> }).rootEnded(root);
    expect(store.saved).toEqual([]);
    await recorder.finish("cancelled");
    await expect.poll(() => store.saved.length, { timeout: 5_000 }).toBe(1);
    expect(store.saved[0]).toMatchObject({ runId, terminalState: "cancelled" });
  });
});
