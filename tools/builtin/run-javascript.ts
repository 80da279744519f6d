/**
 * run_javascript: runs model-written JavaScript in QuickJS compiled to WebAssembly. The sandbox
 * has no host access at all (no require, fs, network, process or timers): only the ECMAScript
 * language plus a captured `console`. Memory, stack and CPU time are capped per run; a fresh
 * runtime on a fresh worker thread per call means nothing leaks between calls and the process's
 * event loop never waits for a snippet. The worker body is `quickjs-sandbox.mjs`.
 */
import { z } from "zod";
import { SandboxPool, type SandboxLimits, type SandboxResult } from "../sandbox/sandbox-pool.js";
import { defineTool } from "../types.js";

export type { SandboxLimits, SandboxResult } from "../sandbox/sandbox-pool.js";

/** Defaults: 32 MiB heap, 512 KiB stack, 3 s of CPU, 10k characters of console output. */
export const DEFAULT_SANDBOX_LIMITS: SandboxLimits = { memoryBytes: 32 * 1024 * 1024, stackBytes: 512 * 1024, timeMs: 3_000, maxConsoleChars: 10_000 };

let pool: SandboxPool | undefined;

/** The process's sandbox workers: two (one per core here), started on first use. */
export function sandboxPool(): SandboxPool {
  pool ??= new SandboxPool(2);
  return pool;
}

/**
 * Runs `code` in a fresh QuickJS runtime under `limits`, on a worker thread: the event loop stays
 * free while the snippet runs, and a worker that does not answer in time is terminated. QuickJS'
 * interrupt handler enforces `timeMs`; the kill is the backstop. Rejects only when `signal` aborts.
 */
export function runInSandbox(code: string, limits: SandboxLimits = DEFAULT_SANDBOX_LIMITS, signal?: AbortSignal): Promise<SandboxResult> {
  return sandboxPool().run(code, limits, signal);
}

/** The run_javascript tool. */
export const runJavascriptTool = defineTool({
  name: "run_javascript",
  description:
    "Runs JavaScript (ES2023) in an isolated sandbox and returns the value of the last expression plus console output. No network, files, modules or timers; 32 MiB memory and 3 s CPU. Use it for data processing, parsing and computations the calculator cannot express. Example: `const xs=[3,1,2]; xs.sort(); xs`.",
  schema: z.object({ code: z.string().min(1).max(50_000).describe("the JavaScript source; the last expression is the result") }),
  timeoutMs: 5_000,
  sideEffect: "read_only",
  run: async ({ code }, ctx) => {
    const outcome = await runInSandbox(code, DEFAULT_SANDBOX_LIMITS, ctx.signal);
    if (!outcome.ok) throw new Error(`${outcome.error}${outcome.console ? `\nconsole:\n${outcome.console}` : ""}`);
    return { result: outcome.result ?? null, console: outcome.console };
  },
});
