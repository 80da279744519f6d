/** The agent runtime in one import for the specialists and the public door: the ReAct loop, rails, models, progress. */
export * from "./react/tool-source.js";
export * from "./models.js";
export * from "../lib/prices.js";
export * from "./progress.js";
export * from "./rails/index.js";
export * from "./react/specialist.js";
export * from "./react/tool-contract.js";
export * from "./subagent.js";
export { DEMO_PREFIX } from "./demo-brain.js";
export type { ContextManager, ContextSettings, SkillSource } from "./react/spec.js";
