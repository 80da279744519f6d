/**
 * Structured JSON logging (pino). One root logger per process, created by `main`;
 * modules take a logger (or a child of it) as a dependency instead of importing one.
 */
import { pino, type Logger, type LevelWithSilent } from "pino";

export type { Logger } from "pino";

/** Options for the root logger. */
export interface LoggerOptions {
  /** Minimum level written; `silent` writes nothing. */
  level?: LevelWithSilent;
  /** Component name stamped on every line, e.g. `server`. */
  name?: string;
}

/** Creates a JSON logger writing to stderr, so stdout stays free for program output. */
export function createLogger(options: LoggerOptions = {}): Logger {
  return pino(
    { level: options.level ?? "info", ...(options.name ? { name: options.name } : {}), base: { pid: process.pid } },
    pino.destination({ fd: 2, sync: false }),
  );
}

/** A logger that writes nothing: the default dependency in tests and libraries. */
export function silentLogger(): Logger {
  return pino({ level: "silent" });
}
