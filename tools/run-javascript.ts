/**
 * run_javascript: runs model-written JavaScript in QuickJS compiled to WebAssembly. The sandbox
 * has no host access at all (no require, fs, network, process or timers): only the ECMAScript
 * language plus a captured `console`. Memory, stack and CPU time are capped per run; a fresh
 * runtime per call means nothing leaks between calls.
 */
import variantImport from "@jitl/quickjs-wasmfile-release-sync";
import type { QuickJSSyncVariant } from "quickjs-emscripten-core";
import { newQuickJSWASMModuleFromVariant, shouldInterruptAfterDeadline, type QuickJSContext, type QuickJSWASMModule } from "quickjs-emscripten-core";
import { z } from "zod";
import { defineTool } from "./types.js";

/** Limits of one sandboxed run. */
export interface SandboxLimits {
  memoryBytes: number;
  stackBytes: number;
  timeMs: number;
  /** Console output kept (characters); the rest is cut with a note. */
  maxConsoleChars: number;
}

/** Defaults: 32 MiB heap, 512 KiB stack, 3 s of CPU, 10k characters of console output. */
export const DEFAULT_SANDBOX_LIMITS: SandboxLimits = { memoryBytes: 32 * 1024 * 1024, stackBytes: 512 * 1024, timeMs: 3_000, maxConsoleChars: 10_000 };

/** What a sandboxed run produced. */
export interface SandboxResult {
  ok: boolean;
  /** The value of the last expression (or what a returned promise resolved to), as JSON-ish data. */
  result?: unknown;
  /** The error thrown, as `Name: message`, when `ok` is false. */
  error?: string;
  console: string;
}

let modulePromise: Promise<QuickJSWASMModule> | undefined;

/** Loads the QuickJS WebAssembly module once per process (on first use). */
function quickJS(): Promise<QuickJSWASMModule> {
  // The package's types describe its CommonJS build; under ESM the default import is the variant itself.
  const imported = variantImport as unknown as QuickJSSyncVariant & { default?: QuickJSSyncVariant };
  modulePromise ??= newQuickJSWASMModuleFromVariant(imported.default ?? imported);
  return modulePromise;
}

function installConsole(vm: QuickJSContext, write: (line: string) => void): void {
  const consoleObject = vm.newObject();
  for (const level of ["log", "info", "warn", "error", "debug"]) {
    const fn = vm.newFunction(level, (...args) => {
      const parts = args.map((arg) => {
        const value: unknown = vm.dump(arg);
        return typeof value === "string" ? value : JSON.stringify(value);
      });
      write((level === "log" || level === "info" ? "" : `[${level}] `) + parts.join(" "));
    });
    vm.setProp(consoleObject, level, fn);
    fn.dispose();
  }
  vm.setProp(vm.global, "console", consoleObject);
  consoleObject.dispose();
}

function errorText(dumped: unknown): string {
  if (dumped && typeof dumped === "object" && "message" in dumped) {
    const { name, message } = dumped as { name?: string; message?: string };
    return `${name ?? "Error"}: ${message}`;
  }
  return String(dumped);
}

/** Runs `code` in a fresh QuickJS runtime under `limits`. */
export async function runInSandbox(code: string, limits: SandboxLimits = DEFAULT_SANDBOX_LIMITS): Promise<SandboxResult> {
  const runtime = (await quickJS()).newRuntime();
  runtime.setMemoryLimit(limits.memoryBytes);
  runtime.setMaxStackSize(limits.stackBytes);
  runtime.setInterruptHandler(shouldInterruptAfterDeadline(Date.now() + limits.timeMs));
  const vm = runtime.newContext();
  let output = "";
  let cut = false;
  installConsole(vm, (line) => {
    if (output.length + line.length + 1 > limits.maxConsoleChars) cut = true;
    else output += `${line}\n`;
  });
  const finish = (partial: Omit<SandboxResult, "console">): SandboxResult => ({ ...partial, console: cut ? `${output}[console output cut at ${limits.maxConsoleChars} characters]\n` : output });
  try {
    const evaluated = vm.evalCode(code, "sandbox.js");
    if (evaluated.error) {
      const error = errorText(vm.dump(evaluated.error));
      evaluated.error.dispose();
      return finish({ ok: false, error: explain(error, limits) });
    }
    let handle = evaluated.value;
    if (vm.typeof(handle) === "object" && vm.getProp(handle, "then").consume((then) => vm.typeof(then) === "function")) {
      const settled = vm.resolvePromise(handle);
      handle.dispose();
      runtime.executePendingJobs();
      const outcome = await settled;
      if (outcome.error) {
        const error = errorText(vm.dump(outcome.error));
        outcome.error.dispose();
        return finish({ ok: false, error: explain(error, limits) });
      }
      handle = outcome.value;
    }
    const result: unknown = vm.dump(handle);
    handle.dispose();
    return finish({ ok: true, result });
  } finally {
    vm.dispose();
    runtime.dispose();
  }
}

function explain(error: string, limits: SandboxLimits): string {
  if (/interrupted/i.test(error)) return `${error} (the code ran longer than ${limits.timeMs} ms and was stopped)`;
  if (/out of memory/i.test(error)) return `${error} (the sandbox allows ${Math.round(limits.memoryBytes / 1024 / 1024)} MiB)`;
  return error;
}

/** The run_javascript tool. */
export const runJavascriptTool = defineTool({
  name: "run_javascript",
  description:
    "Runs JavaScript (ES2023) in an isolated sandbox and returns the value of the last expression plus console output. No network, files, modules or timers; 32 MiB memory and 3 s CPU. Use it for data processing, parsing and computations the calculator cannot express. Example: `const xs=[3,1,2]; xs.sort(); xs`.",
  schema: z.object({ code: z.string().min(1).max(50_000).describe("the JavaScript source; the last expression is the result") }),
  timeoutMs: 5_000,
  sideEffect: "read_only",
  run: async ({ code }) => {
    const outcome = await runInSandbox(code);
    if (!outcome.ok) throw new Error(`${outcome.error}${outcome.console ? `\nconsole:\n${outcome.console}` : ""}`);
    return { result: outcome.result ?? null, console: outcome.console };
  },
});
