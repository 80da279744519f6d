/** Build-time options of the agent graph. */

/** Options of `createAgentBuilder`. */
export interface AgentGraphOptions {
  /** Tools the agent may use (default: every tool on offer). */
  tools?: readonly string[];
  /** Most model calls per run. */
  maxIterations?: number;
  /** System prompt. */
  prompt?: string;
}

/** Every shipped tool, in the order the agent is shown them. */
export const ALL_TOOLS = ["search_knowledge", "web_search", "http_fetch", "calculator", "run_javascript", "write_file", "send_webhook"] as const;
