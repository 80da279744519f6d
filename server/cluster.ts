/**
 * `SERVER_PROCESSES=N|auto`: `npm run serve` as N processes sharing one port (node:cluster). Each
 * is a whole server (API + in-process workers) on the same Redis, so any of them answers any
 * request; a run executes in the process that received it, or in whichever takes it from the
 * queue. The primary only supervises: it prints the listening line once, restarts a process that
 * dies, and on SIGTERM/SIGINT passes the stop on and waits for every process to drain.
 */
import cluster, { type Worker } from "node:cluster";
import { availableParallelism } from "node:os";
import type { Logger } from "../lib/logger.js";

/** What a server process tells the primary once it listens. */
interface ListeningMessage {
  switchboardListening: string;
}

/** How many processes `SERVER_PROCESSES` asks for. */
export function serverProcesses(setting: number | "auto"): number {
  return setting === "auto" ? availableParallelism() : setting;
}

/** Whether this process is a server process forked by the primary. */
export function isForkedServer(): boolean {
  return cluster.isWorker;
}

/** In a forked server process: tells the primary the URL it listens on. */
export function reportListening(url: string): void {
  process.send?.({ switchboardListening: url } satisfies ListeningMessage);
}

/** Runs the primary: forks `count` server processes and supervises them until stopped. */
export function superviseServers(count: number, options: { logger: Logger; shutdownTimeoutMs: number }): void {
  const { logger } = options;
  let stopping = false;
  let announced = false;
  let restarts = 0;
  let exitCode = 0;
  const fork = (): Worker => {
    const worker = cluster.fork();
    worker.on("message", (message: Partial<ListeningMessage>) => {
      if (typeof message?.switchboardListening !== "string") return;
      restarts = 0;
      if (announced) return;
      announced = true;
      logger.info({ processes: count, url: message.switchboardListening }, "switchboard server processes listening");
      process.stdout.write(`${JSON.stringify({ listening: message.switchboardListening, processes: count })}\n`);
    });
    return worker;
  };
  cluster.on("exit", (worker, code, signal) => {
    if (stopping) {
      if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(exitCode);
      return;
    }
    if (!announced) {
      // Dying before any process listened is a start-up failure (bad config, Redis unreachable):
      // fail like a single process would, with its error already on stderr, instead of looping.
      logger.error({ pid: worker.process.pid, code, signal }, "a server process failed to start; stopping");
      exitCode = 1;
      stop("SIGTERM");
      return;
    }
    // A process that keeps dying at start-up (bad config) must not be restarted in a hot loop.
    restarts += 1;
    const delayMs = Math.min(30_000, 500 * 2 ** Math.min(restarts, 6));
    logger.error({ pid: worker.process.pid, code, signal, restartInMs: delayMs }, "a server process exited; starting a new one");
    setTimeout(() => void (stopping ? undefined : fork()), delayMs).unref();
  });
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, "stopping server processes");
    const workers = Object.values(cluster.workers ?? {}).filter((worker): worker is Worker => worker !== undefined);
    if (workers.length === 0) process.exit(exitCode);
    for (const worker of workers) worker.process.kill("SIGTERM");
    // Each process drains for up to its own timeout; do not outwait that by much.
    setTimeout(() => {
      logger.error("server processes did not stop in time; killing them");
      for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill("SIGKILL");
      process.exit(1);
    }, 2 * options.shutdownTimeoutMs + 5_000).unref();
  };
  process.on("SIGTERM", () => stop("SIGTERM"));
  process.on("SIGINT", () => stop("SIGINT"));
  for (let index = 0; index < count; index += 1) fork();
}
