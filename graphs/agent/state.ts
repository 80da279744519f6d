/** The agent graph's state: one specialist's state (conversation, rails, loop bookkeeping, result). */
export { AgentInput, AgentState, type AgentStateType } from "../../agents/index.js";
