/** Build-time options of the agent graph. */
import type { ContextSettings } from "../../agents/index.js";

/** Options of `createAgentBuilder`. */
export interface AgentGraphOptions {
  /** Tools the agent may use (default: every shipped tool on offer, tools' TOOL_NAMES). */
  tools?: readonly string[];
  /** Most model calls per run. */
  maxIterations?: number;
  /** System prompt. */
  prompt?: string;
  /** Context window and compaction strategy. */
  context?: Partial<ContextSettings>;
}
