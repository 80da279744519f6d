/** What every external tool source (an MCP server, an OpenAPI service) shows the registry. */
import type { AnyToolSpec } from "../types.js";

/** One tool of a source: its name at the source (what config patterns match) and its spec. */
export interface SourceTool {
  original: string;
  spec: AnyToolSpec;
}

/** A started-on-demand source of tools. */
export interface ToolSourceHandle {
  readonly name: string;
  readonly kind: "mcp" | "openapi";
  /** `ready` when its tools are on offer. */
  readonly state: string;
  /** Why it is not running (secrets scrubbed). */
  readonly problem: string | undefined;
  /** Its tools now; empty while it is not running. */
  readonly entries: readonly SourceTool[];
  /** Starts it; never rejects (a failure is kept in `problem`). */
  start(): Promise<void>;
  close(): Promise<void>;
}
