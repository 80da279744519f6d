/**
 * The agents layer's public surface: the shipped specialists, the ReAct loop, the rails, models
 * and progress events. Graphs, the CLI and the server import agents from here only.
 */
export * from "./runtime.js";
export * from "./specialists/index.js";
