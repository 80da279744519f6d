/**
 * The stop sequence shared by `npm run serve` and `npm run worker`: the first SIGTERM/SIGINT
 * runs the process's own drain once, then logs, flushes and exits; later signals are ignored
 * so a second Ctrl-C cannot cut a drain short halfway.
 */
import type { Logger } from "../lib/logger.js";

/** A process's stop state, readable by readiness checks and new-run refusals. */
export interface StopSignals {
  /** Whether a stop has begun. */
  stopping(): boolean;
  /** Installs the signal handlers; `drain` runs once, on the first signal. */
  onStop(drain: (signal: string) => Promise<void>): void;
}

/** Creates the stop state; handlers are installed by `onStop`, not at creation. */
export function stopSignals(logger: Logger): StopSignals {
  let stopping = false;
  return {
    stopping: () => stopping,
    onStop(drain) {
      const stop = async (signal: string) => {
        if (stopping) return;
        stopping = true;
        await drain(signal).catch((error: unknown) => logger.error({ err: error }, "stopping failed; exiting anyway"));
        logger.info("stopped");
        logger.flush?.();
        setTimeout(() => process.exit(0), 50).unref();
      };
      process.on("SIGTERM", () => void stop("SIGTERM"));
      process.on("SIGINT", () => void stop("SIGINT"));
    },
  };
}
