/**
 * The run_javascript workers: a WorkerPool running `quickjs-sandbox.mjs`. QuickJS' own interrupt
 * handler and memory limit stop a snippet from the inside; the pool's deadline (the CPU limit
 * plus a grace) kills the worker from the outside if that ever fails. Jobs are keyed by owner,
 * so one client's endless loops cannot take every worker.
 */
import { WorkerJobError, WorkerPool } from "./worker-pool.js";

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

/** How many sandbox workers a process runs, and how many of them one owner may hold. */
export interface SandboxPoolSize {
  workers: number;
  perOwner: number;
}

/** How long past its CPU limit a job may take before its worker is killed outright. */
const KILL_GRACE_MS = 2_000;

/** Runs sandbox jobs on a fair pool of worker threads. */
export class SandboxPool {
  private readonly pool: WorkerPool;

  constructor(size: SandboxPoolSize) {
    this.pool = new WorkerPool({
      name: "the sandbox",
      script: new URL("./quickjs-sandbox.mjs", import.meta.url),
      size: size.workers,
      perKey: size.perOwner,
      // QuickJS caps the WebAssembly heap; this caps the worker's own JavaScript heap.
      resourceLimits: { maxOldGenerationSizeMb: 64, maxYoungGenerationSizeMb: 16 },
    });
  }

  /** Runs one snippet for `owner`; rejects only when `signal` aborts. */
  async run(code: string, limits: SandboxLimits, options: { signal?: AbortSignal; owner?: string } = {}): Promise<SandboxResult> {
    try {
      return await this.pool.run<SandboxResult>(
        { code, limits },
        { key: options.owner ?? "default", deadlineMs: limits.timeMs + KILL_GRACE_MS, ...(options.signal ? { signal: options.signal } : {}) },
      );
    } catch (error) {
      if (!(error instanceof WorkerJobError)) throw error;
      const why = error.failure === "timeout" ? `the sandbox did not stop within ${limits.timeMs + KILL_GRACE_MS} ms and was killed` : error.message;
      return { ok: false, error: why, console: "" };
    }
  }

  /** Jobs waiting and running (tests, metrics). */
  get load() {
    return this.pool.load;
  }

  /** Stops every worker (tests, shutdown). */
  close(): Promise<void> {
    return this.pool.close();
  }
}
