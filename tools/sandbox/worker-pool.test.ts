import { describe, expect, it, vi } from "vitest";
import { WorkerJobError, WorkerPool } from "./worker-pool.js";

const script = new URL("../../test/support/pool-test-worker.mjs", import.meta.url);
const pool = (size: number, perKey?: number) =>
  new WorkerPool({ name: "the test worker", script, size, ...(perKey ? { perKey } : {}), resourceLimits: { maxOldGenerationSizeMb: 32, maxYoungGenerationSizeMb: 8 } });

describe("WorkerPool", () => {
  it("an out-of-memory ends only that worker: the job gets a clear error and the pool keeps serving", async () => {
    const workers = pool(1);
    try {
      const failure = await workers.run({ action: "oom" }, { key: "a", deadlineMs: 20_000 }).catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(WorkerJobError);
      expect((failure as WorkerJobError).failure).toBe("out_of_memory");
      expect((failure as Error).message).toMatch(/ran out of memory \(limit 32 MiB\)/);
      expect(await workers.run({ action: "echo", value: "still here" }, { key: "a", deadlineMs: 5_000 })).toEqual({ value: "still here" });
    } finally {
      await workers.close();
    }
  });

  it("kills a job at its deadline, reports a crash, and replaces both workers", async () => {
    const workers = pool(1);
    try {
      await expect(workers.run({ action: "spin" }, { key: "a", deadlineMs: 200 })).rejects.toMatchObject({ failure: "timeout", message: expect.stringMatching(/did not finish within 200 ms/) });
      await expect(workers.run({ action: "exit" }, { key: "a", deadlineMs: 5_000 })).rejects.toMatchObject({ failure: "crashed" });
      expect(await workers.run({ action: "echo", value: 1 }, { key: "a", deadlineMs: 5_000 })).toEqual({ value: 1 });
    } finally {
      await workers.close();
    }
  });

  it("cancels a waiting job without touching the running one, and a running job by killing its worker", async () => {
    const workers = pool(1);
    try {
      const running = new AbortController();
      const spinning = workers.run({ action: "spin" }, { key: "a", deadlineMs: 60_000, signal: running.signal });
      await vi.waitFor(() => expect(workers.load.running).toBe(1));
      const waiting = new AbortController();
      const queued = workers.run({ action: "echo", value: "never" }, { key: "a", deadlineMs: 5_000, signal: waiting.signal });
      waiting.abort(new Error("gave up waiting"));
      await expect(queued).rejects.toThrow("gave up waiting");
      expect(workers.load).toMatchObject({ running: 1, waiting: 0 });
      running.abort(new Error("run cancelled"));
      await expect(spinning).rejects.toThrow("run cancelled");
      expect(workers.load).toMatchObject({ running: 0, waiting: 0 });
    } finally {
      await workers.close();
    }
  });

  it("gives a free worker to the waiting key with the fewest jobs running, and caps each key", async () => {
    const workers = pool(2, 1);
    const flood = Array.from({ length: 4 }, () => new AbortController());
    try {
      const floods = flood.map((controller) => workers.run({ action: "spin" }, { key: "flooder", deadlineMs: 60_000, signal: controller.signal }).catch(() => "stopped"));
      const other = await workers.run({ action: "echo", value: "served" }, { key: "other", deadlineMs: 5_000 });
      expect(other).toEqual({ value: "served" });
      expect(workers.load).toMatchObject({ running: 1, waiting: 3 });
      for (const controller of flood) controller.abort(new Error("done"));
      expect(await Promise.all(floods)).toEqual(["stopped", "stopped", "stopped", "stopped"]);
    } finally {
      await workers.close();
    }
  });
});
