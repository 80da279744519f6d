/**
 * A small pool of worker threads running `quickjs-sandbox.mjs`. Workers are started on demand
 * (the WebAssembly module loads once per worker, so later calls are fast), unref'd while idle so
 * they never keep a process alive, and terminated when a job overruns or is cancelled: a stuck
 * worker is replaced, never reused.
 */
import { Worker } from "node:worker_threads";

/** Limits of one sandboxed run. */
export interface SandboxLimits {
  memoryBytes: number;
  stackBytes: number;
  timeMs: number;
  /** Console output kept (characters); the rest is cut with a note. */
  maxConsoleChars: number;
}

/** What a sandboxed run produced. */
export interface SandboxResult {
  ok: boolean;
  /** The value of the last expression (or what a returned promise resolved to), as JSON data. */
  result?: unknown;
  /** The error thrown, as `Name: message`, when `ok` is false. */
  error?: string;
  console: string;
}

/** How long past its CPU limit a job may take before its worker is killed outright. */
const KILL_GRACE_MS = 2_000;

/** Runs sandbox jobs on up to `size` worker threads. */
export class SandboxPool {
  private readonly idle: Worker[] = [];
  private readonly busy = new Set<Worker>();
  private readonly waiting: ((worker: Worker) => void)[] = [];
  private nextJobId = 0;

  constructor(private readonly size: number) {}

  /** Runs one snippet; rejects only when `signal` aborts. */
  async run(code: string, limits: SandboxLimits, signal?: AbortSignal): Promise<SandboxResult> {
    const worker = await this.acquire(signal);
    const id = ++this.nextJobId;
    return new Promise<SandboxResult>((resolve, reject) => {
      let done = false;
      const finish = (outcome: SandboxResult | Error, healthy: boolean) => {
        if (done) return;
        done = true;
        clearTimeout(killTimer);
        signal?.removeEventListener("abort", onAbort);
        worker.off("message", onMessage);
        worker.off("error", onFailure);
        worker.off("exit", onFailure);
        if (healthy) this.release(worker);
        else this.discard(worker);
        if (outcome instanceof Error) reject(outcome);
        else resolve(outcome);
      };
      const onMessage = (message: SandboxResult & { id: number }) => {
        if (message.id !== id) return;
        const { id: _id, ...outcome } = message;
        finish(outcome, true);
      };
      const onFailure = (error: unknown) =>
        finish({ ok: false, error: `the sandbox crashed: ${error instanceof Error ? error.message : `exit code ${String(error)}`}`, console: "" }, false);
      // The worker may be mid-job; terminating it is the only way to stop a synchronous snippet.
      const onAbort = () => finish(signal?.reason instanceof Error ? signal.reason : new Error("the sandbox run was cancelled"), false);
      const killTimer = setTimeout(
        () => finish({ ok: false, error: `the sandbox did not stop within ${limits.timeMs + KILL_GRACE_MS} ms and was killed`, console: "" }, false),
        limits.timeMs + KILL_GRACE_MS,
      );
      worker.on("message", onMessage);
      worker.once("error", onFailure);
      worker.once("exit", onFailure);
      if (signal?.aborted) return onAbort();
      signal?.addEventListener("abort", onAbort, { once: true });
      worker.ref();
      worker.postMessage({ id, code, limits });
    });
  }

  /** Stops every worker (tests, shutdown). */
  async close(): Promise<void> {
    const all = [...this.idle, ...this.busy];
    this.idle.length = 0;
    this.busy.clear();
    await Promise.all(all.map((worker) => worker.terminate()));
  }

  private acquire(signal?: AbortSignal): Promise<Worker> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    const ready = this.idle.pop();
    if (ready) {
      this.busy.add(ready);
      return Promise.resolve(ready);
    }
    if (this.busy.size < this.size) {
      const worker = this.spawn();
      this.busy.add(worker);
      return Promise.resolve(worker);
    }
    return new Promise((resolve, reject) => {
      const take = (worker: Worker) => {
        signal?.removeEventListener("abort", giveUp);
        resolve(worker);
      };
      const giveUp = () => {
        this.waiting.splice(this.waiting.indexOf(take), 1);
        reject(signal?.reason);
      };
      signal?.addEventListener("abort", giveUp, { once: true });
      this.waiting.push(take);
    });
  }

  private spawn(): Worker {
    const worker = new Worker(new URL("./quickjs-sandbox.mjs", import.meta.url), {
      // QuickJS caps the WebAssembly heap; this caps the worker's own JavaScript heap.
      resourceLimits: { maxOldGenerationSizeMb: 64, maxYoungGenerationSizeMb: 16 },
      stdout: true,
      stderr: true,
    });
    // An idle worker that dies is simply forgotten; the next job starts a new one.
    worker.on("exit", () => {
      const index = this.idle.indexOf(worker);
      if (index >= 0) this.idle.splice(index, 1);
    });
    return worker;
  }

  private release(worker: Worker): void {
    const next = this.waiting.shift();
    if (next) return next(worker);
    this.busy.delete(worker);
    worker.unref();
    this.idle.push(worker);
  }

  private discard(worker: Worker): void {
    this.busy.delete(worker);
    void worker.terminate();
    const next = this.waiting.shift();
    if (next) {
      const replacement = this.spawn();
      this.busy.add(replacement);
      next(replacement);
    }
  }
}
