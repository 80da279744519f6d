/**
 * run_javascript: runs model-written JavaScript in QuickJS compiled to WebAssembly. The sandbox
 * has no host access at all (no require, fs, network, process or timers): only the ECMAScript
 * language plus a captured `console`. Memory, stack and CPU time are capped per run; a fresh
 * runtime on a worker thread per call means nothing leaks between calls and the process's event
 * loop never waits for a snippet. The worker body is `quickjs-sandbox.mjs`. Calls are fair across
 * owners: one owner holds at most `perOwner` of the process's sandbox workers.
 */
import { z } from "zod";
import { SandboxPool, type SandboxLimits, type SandboxPoolSize, type SandboxResult } from "../sandbox/sandbox-pool.js";
import { defineTool } from "../types.js";

export type { SandboxLimits, SandboxPoolSize, SandboxResult } from "../sandbox/sandbox-pool.js";

/** Defaults: 32 MiB heap, 512 KiB stack, 3 s of CPU, 10k characters of console output. */
export const DEFAULT_SANDBOX_LIMITS: SandboxLimits = { memoryBytes: 32 * 1024 * 1024, stackBytes: 512 * 1024, timeMs: 3_000, maxConsoleChars: 10_000 };

/** Default pool: two workers (one per core here), at most one of them per owner. */
export const DEFAULT_SANDBOX_POOL: SandboxPoolSize = { workers: 2, perOwner: 1 };

const pools = new Map<string, SandboxPool>();

/** The process's sandbox pool of that size (one per size; workers start on first use). */
export function sandboxPool(size: SandboxPoolSize = DEFAULT_SANDBOX_POOL): SandboxPool {
  const key = `${size.workers}/${size.perOwner}`;
  let pool = pools.get(key);
  if (!pool) pools.set(key, (pool = new SandboxPool(size)));
  return pool;
}

/**
 * Runs `code` in a fresh QuickJS runtime under `limits`, on a worker thread: the event loop stays
 * free while the snippet runs, and a worker that does not answer in time is terminated. QuickJS'
 * interrupt handler enforces `timeMs`; the kill is the backstop. Rejects only when `signal` aborts.
 */
export function runInSandbox(code: string, limits: SandboxLimits = DEFAULT_SANDBOX_LIMITS, signal?: AbortSignal, owner?: string): Promise<SandboxResult> {
  return sandboxPool().run(code, limits, { ...(signal ? { signal } : {}), ...(owner ? { owner } : {}) });
}

/** Builds the run_javascript tool on a pool of that size (env `TOOL_SANDBOX_WORKERS`, `TOOL_SANDBOX_PER_OWNER`). */
export function createRunJavascriptTool(size: SandboxPoolSize = DEFAULT_SANDBOX_POOL) {
  return defineTool({
    name: "run_javascript",
    description:
      "Runs JavaScript (ES2023) in an isolated sandbox and returns the value of the last expression plus console output. No network, files, modules or timers; 32 MiB memory and 3 s CPU. Use it for data processing, parsing and computations the calculator cannot express. Example: `const xs=[3,1,2]; xs.sort(); xs`.",
    schema: z.object({ code: z.string().min(1).max(50_000).describe("the JavaScript source; the last expression is the result") }),
    // CPU limit + kill grace + a little queueing behind the owner's own earlier calls.
    timeoutMs: 8_000,
    sideEffect: "read_only",
    run: async ({ code }, ctx) => {
      const outcome = await sandboxPool(size).run(code, DEFAULT_SANDBOX_LIMITS, { signal: ctx.signal, owner: ctx.owner });
      if (!outcome.ok) throw new Error(`${outcome.error}${outcome.console ? `\nconsole:\n${outcome.console}` : ""}`);
      return { result: outcome.result ?? null, console: outcome.console };
    },
  });
}

/** The run_javascript tool on the default pool. */
export const runJavascriptTool = createRunJavascriptTool();
