/** Build-time options of the agent graph. */
import type { ContextSettings } from "../../agents/index.js";

/** Options of `createAgentBuilder`. */
export interface AgentGraphOptions {
  /** Tools the agent may use (default: every tool on offer). */
  tools?: readonly string[];
  /** Most model calls per run. */
  maxIterations?: number;
  /** System prompt. */
  prompt?: string;
  /** Context window and compaction strategy. */
  context?: Partial<ContextSettings>;
}

/** Every shipped tool, in the order the agent is shown them. */
export const ALL_TOOLS = ["search_knowledge", "web_search", "http_fetch", "calculator", "run_javascript", "write_file", "send_webhook"] as const;
