/**
 * The rails, one unit: limits and their settings, the before-every-model-call check, state
 * channels, loop detection and the end-of-run summary. Nodes call `startRun`, `railsOf(...)`
 * `.check()`, `.handDown()` and `.end()` (run.ts); a new rail is a file implementing `Rail`.
 */
export * from "./budgets.js";
export * from "./channels.js";
export * from "./limits.js";
export * from "./loops.js";
export * from "./rail.js";
export * from "./run.js";
export * from "./settings.js";
