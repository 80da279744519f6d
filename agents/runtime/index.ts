/** The agent runtime's public surface: specialists, workers, rails, models, progress events. */
export * from "./catalog.js";
export * from "./loops.js";
export * from "./models.js";
export * from "./prices.js";
export * from "./progress.js";
export * from "./rails.js";
export * from "./settings.js";
export * from "./specialist.js";
export * from "./state.js";
export * from "./tool-contract.js";
export * from "./worker.js";
export { DEMO_PREFIX } from "./demo-brain.js";
export type { ContextManager, ContextSettings, SkillSource } from "./specialist-nodes.js";
