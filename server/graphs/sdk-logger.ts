/**
 * The platform logger graphs reach with `getLogger()` from `@langchain/langgraph-sdk/logging`:
 * the reference registers one under a global symbol before it loads graphs, so a graph that takes
 * it at import time loads. Ours writes through the server's pino logger, winston-style calls
 * (`logger.info("message", { meta })`) turned into pino's (`{ meta }, "message"`).
 */
import type { Logger } from "../../lib/logger.js";

const SDK_LOGGER = Symbol.for("langgraph.api.sdk-logger");
const LEVELS = ["error", "warn", "info", "debug", "trace", "fatal"] as const;

/** What `getLogger()` returns. */
export type SdkLogger = Record<(typeof LEVELS)[number] | "verbose" | "silly" | "http", (message: unknown, ...meta: unknown[]) => void>;

/** A winston-shaped face on a pino logger. */
export function sdkLogger(logger: Logger): SdkLogger {
  const bind = (level: (typeof LEVELS)[number]) => (message: unknown, ...meta: unknown[]) => {
    const fields = Object.assign({ source: "graph" }, ...meta.filter((item): item is object => typeof item === "object" && item !== null));
    if (typeof message === "string") logger[level](fields, message);
    else logger[level]({ ...fields, value: message });
  };
  const byLevel = Object.fromEntries(LEVELS.map((level) => [level, bind(level)])) as Record<(typeof LEVELS)[number], SdkLogger["info"]>;
  return { ...byLevel, verbose: byLevel.debug, silly: byLevel.trace, http: byLevel.info };
}

/** Registers the logger `getLogger()` finds (the process keeps the first one: every runtime logs alike). */
export function registerSdkLogger(logger: Logger): void {
  const global = globalThis as Record<symbol, unknown>;
  global[SDK_LOGGER] ??= sdkLogger(logger);
}
