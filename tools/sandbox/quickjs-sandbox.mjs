// Worker thread body of run_javascript (plain JavaScript so it loads under node, tsx and vitest
// alike). For each message { id, code, limits } it runs the snippet in a fresh QuickJS runtime
// (WebAssembly) under those limits and posts back { id, ok, result | error, console }. The
// compiled WebAssembly module is loaded once per worker; runtimes never outlive a job. Running
// in a worker keeps a busy snippet from blocking the process's event loop, and lets the parent
// kill it outright as a last resort. It posts { ready: true } once the module is loaded.
import { parentPort } from "node:worker_threads";
import variantImport from "@jitl/quickjs-wasmfile-release-sync";
import { newQuickJSWASMModuleFromVariant, shouldInterruptAfterDeadline } from "quickjs-emscripten-core";

const variant = variantImport.default ?? variantImport;

function errorText(dumped) {
  if (dumped && typeof dumped === "object" && "message" in dumped) return `${dumped.name ?? "Error"}: ${dumped.message}`;
  return String(dumped);
}

function explain(error, limits) {
  if (/interrupted/i.test(error)) return `${error} (the code ran longer than ${limits.timeMs} ms and was stopped)`;
  if (/out of memory/i.test(error)) return `${error} (the sandbox allows ${Math.round(limits.memoryBytes / 1024 / 1024)} MiB)`;
  return error;
}

let quickJSPromise;

async function run({ code, limits }) {
  quickJSPromise ??= newQuickJSWASMModuleFromVariant(variant);
  const quickJS = await quickJSPromise;
  const runtime = quickJS.newRuntime();
  runtime.setMemoryLimit(limits.memoryBytes);
  runtime.setMaxStackSize(limits.stackBytes);
  runtime.setInterruptHandler(shouldInterruptAfterDeadline(Date.now() + limits.timeMs));
  const vm = runtime.newContext();
  let output = "";
  let cut = false;
  const consoleObject = vm.newObject();
  for (const level of ["log", "info", "warn", "error", "debug"]) {
    const fn = vm.newFunction(level, (...args) => {
      const parts = args.map((arg) => {
        const value = vm.dump(arg);
        return typeof value === "string" ? value : JSON.stringify(value);
      });
      const line = (level === "log" || level === "info" ? "" : `[${level}] `) + parts.join(" ");
      if (output.length + line.length + 1 > limits.maxConsoleChars) cut = true;
      else output += `${line}\n`;
    });
    vm.setProp(consoleObject, level, fn);
    fn.dispose();
  }
  vm.setProp(vm.global, "console", consoleObject);
  consoleObject.dispose();
  const finish = (partial) => ({ ...partial, console: cut ? `${output}[console output cut at ${limits.maxConsoleChars} characters]\n` : output });
  try {
    const evaluated = vm.evalCode(code, "sandbox.js");
    if (evaluated.error) {
      const error = errorText(vm.dump(evaluated.error));
      evaluated.error.dispose();
      return finish({ ok: false, error: explain(error, limits) });
    }
    let handle = evaluated.value;
    if (vm.typeof(handle) === "object" && vm.getProp(handle, "then").consume((then) => vm.typeof(then) === "function")) {
      runtime.executePendingJobs();
      const state = vm.getPromiseState(handle);
      handle.dispose();
      // No timers or I/O exist in here: whatever has not settled after the job queue ran never will.
      if (state.type === "pending") return finish({ ok: false, error: "the returned promise never settles (the sandbox has no timers or I/O)" });
      if (state.type === "rejected") {
        const error = errorText(vm.dump(state.error));
        state.error.dispose();
        return finish({ ok: false, error: explain(error, limits) });
      }
      handle = state.value;
    }
    const result = vm.dump(handle);
    handle.dispose();
    // Structured clone cannot carry functions or symbols; JSON keeps what a model can read.
    return finish({ ok: true, result: result === undefined ? undefined : JSON.parse(JSON.stringify(result) ?? "null") });
  } finally {
    vm.dispose();
    runtime.dispose();
  }
}

// Load the WebAssembly module before taking jobs, so a job's deadline measures the job alone.
quickJSPromise = newQuickJSWASMModuleFromVariant(variant);
await quickJSPromise;
parentPort.postMessage({ ready: true });

parentPort.on("message", (job) => {
  run(job).then(
    (result) => parentPort.postMessage({ id: job.id, ...result }),
    (error) => parentPort.postMessage({ id: job.id, ok: false, error: `sandbox failure: ${error?.message ?? error}`, console: "" }),
  );
});
