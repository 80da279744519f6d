import { describe, expect, it } from "vitest";
import { toolRunContext } from "../../test/support/tool-context.js";
import { createRunJavascriptTool, DEFAULT_SANDBOX_LIMITS, runInSandbox, runJavascriptTool } from "./run-javascript.js";

describe("run_javascript sandbox (QuickJS/WebAssembly)", () => {
  it("returns the last expression and captures console output", async () => {
    const outcome = await runInSandbox('console.log("sum", 1 + 2); console.warn({a: 1}); [3, 1, 2].sort()');
    expect(outcome).toEqual({ ok: true, result: [1, 2, 3], console: 'sum 3\n[warn] {"a":1}\n' });
  });

  it("awaits a promise result", async () => {
    expect((await runInSandbox("(async () => { const x = await Promise.resolve(20); return x * 2 + 2 })()")).result).toBe(42);
  });

  it("has no host access", async () => {
    for (const probe of ["require('fs')", "process.env", "fetch('http://127.0.0.1')", "setTimeout(() => 1, 1)", "import('fs')"]) {
      const outcome = await runInSandbox(probe);
      expect(outcome.ok, probe).toBe(false);
    }
    expect((await runInSandbox("typeof globalThis.process + typeof globalThis.require")).result).toBe("undefinedundefined");
  });

  it("stops endless loops and memory hogs with a clear reason", async () => {
    const loop = await runInSandbox("while (true) {}", { ...DEFAULT_SANDBOX_LIMITS, timeMs: 100 });
    expect(loop.error).toMatch(/interrupted.*longer than 100 ms/i);
    const hog = await runInSandbox("new Array(1e8).fill(1).length", { ...DEFAULT_SANDBOX_LIMITS, memoryBytes: 8 * 1024 * 1024 });
    expect(hog.ok).toBe(false);
    expect(hog.error).toMatch(/memory/i);
  });

  it("reports exceptions with their console output through the tool", async () => {
    const run = runJavascriptTool.run({ code: 'console.log("before"); throw new TypeError("bad thing")' }, toolRunContext());
    await expect(run).rejects.toThrow(/TypeError: bad thing\nconsole:\nbefore/);
  });
});

describe("run_javascript isolation from the host process", () => {
  it("keeps the event loop free while a snippet spins, and can be cancelled", async () => {
    let ticks = 0;
    const ticker = setInterval(() => (ticks += 1), 10);
    const outcome = await runInSandbox("while (true) {}", { ...DEFAULT_SANDBOX_LIMITS, timeMs: 300 });
    clearInterval(ticker);
    expect(outcome.error).toMatch(/interrupted/);
    expect(ticks).toBeGreaterThan(0);

    const controller = new AbortController();
    const running = runInSandbox("while (true) {}", { ...DEFAULT_SANDBOX_LIMITS, timeMs: 10_000 }, controller.signal);
    controller.abort(new Error("run cancelled"));
    await expect(running).rejects.toThrow(/run cancelled/);
  });
});

describe("sandbox pool", () => {
  it("queues jobs beyond its size, replaces killed workers and closes cleanly", async () => {
    const { SandboxPool } = await import("../sandbox/sandbox-pool.js");
    const pool = new SandboxPool({ workers: 1, perOwner: 1 });
    try {
      const [a, b] = await Promise.all([pool.run("1 + 1", DEFAULT_SANDBOX_LIMITS), pool.run("2 + 2", DEFAULT_SANDBOX_LIMITS)]);
      expect([a.result, b.result]).toEqual([2, 4]);
      const controller = new AbortController();
      const stuck = pool.run("while (true) {}", { ...DEFAULT_SANDBOX_LIMITS, timeMs: 60_000 }, { signal: controller.signal });
      const queued = pool.run("'after the kill'", DEFAULT_SANDBOX_LIMITS);
      setTimeout(() => controller.abort(new Error("stop")), 50);
      await expect(stuck).rejects.toThrow("stop");
      expect((await queued).result).toBe("after the kill");
    } finally {
      await pool.close();
    }
  });
});

describe("fair sandboxes (issue 19)", () => {
  it("8 infinite loops from one owner do not starve an unrelated call", async () => {
    const tool = createRunJavascriptTool({ workers: 2, perOwner: 1 });
    const controllers = Array.from({ length: 8 }, () => new AbortController());
    let settledLoops = 0;
    const loops = controllers.map((controller) =>
      tool.run({ code: "while (true) {}" }, toolRunContext({ owner: "flooder", signal: controller.signal })).then(
        () => (settledLoops += 1),
        () => (settledLoops += 1),
      ),
    );
    try {
      const unrelated = await tool.run({ code: "6 * 7" }, toolRunContext({ owner: "someone-else" }));
      expect(unrelated).toEqual({ result: 42, console: "" });
      // A first-come pool would have run the flood first: the unrelated call waits for at most one loop.
      expect(settledLoops).toBeLessThan(2);
    } finally {
      for (const controller of controllers) controller.abort(new Error("test over"));
      await Promise.all(loops);
    }
  });
});
