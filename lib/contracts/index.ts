/** The run's vocabulary, declared once: every layer imports these names from here. */
export * from "./run.js";
export * from "./memory.js";
export * from "./execution.js";
