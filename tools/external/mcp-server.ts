/**
 * One configured MCP server, connected through `@langchain/mcp-adapters` (one adapter client per
 * server, so one server's failure never touches another's tools). It starts on first need, is
 * shared by every run of the process, keeps a snapshot of its tools as tool specs (refreshed when
 * the server says its list changed), is restarted with exponential backoff when it dies or fails
 * to start, and is closed on shutdown.
 */
import { loadMcpTools, MultiServerMCPClient, type Connection } from "@langchain/mcp-adapters";
import type { DynamicStructuredTool } from "@langchain/core/tools";
import { silentLogger, type Logger } from "../../lib/logger.js";
import type { SourceTool } from "./source.js";
import { resolveReferenceMap, resolveReferences, secretScrubber, type EnvLookup, type McpServerConfig } from "./config.js";
import { mcpToolSpec } from "./mcp-tool.js";
import { waitAtMost } from "../../lib/wait-at-most.js";

/** Where a server is in its life. */
export type McpServerState = "idle" | "starting" | "ready" | "restarting" | "misconfigured" | "closed";

/** How restarts back off: first delay, growth, cap. */
export interface Backoff {
  initialMs: number;
  maxMs: number;
}

const CLOSE_WAIT_MS = 1_000;
const DEFAULT_BACKOFF: Backoff = { initialMs: 500, maxMs: 30_000 };
const LOAD_OPTIONS = { throwOnLoadError: false, prefixToolNameWithServerName: false, additionalToolNamePrefix: "", useStandardContentBlocks: false } as const;

/** A configured MCP server and its current tools. */
export class McpServerHandle {
  state: McpServerState = "idle";
  /** Why the last start failed (secrets scrubbed), while it is not running. */
  problem: string | undefined;
  readonly kind = "mcp";
  /** The server's tools as specs, with their MCP names; empty until it is running. */
  entries: readonly SourceTool[] = [];
  /** Starts and restarts so far (tests and the CLI listing). */
  starts = 0;
  private client: MultiServerMCPClient | undefined;
  private live = new Map<string, DynamicStructuredTool>();
  private starting: Promise<void> | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private failures = 0;
  private scrub: (text: string) => string = (text) => text;
  private connection: Connection | undefined;

  constructor(
    readonly name: string,
    private readonly config: McpServerConfig,
    lookup: EnvLookup,
    private readonly logger: Logger = silentLogger(),
    private readonly backoff: Backoff = DEFAULT_BACKOFF,
  ) {
    try {
      const secrets = new Set<string>();
      this.connection = connectionOf(name, config, lookup, secrets);
      this.scrub = secretScrubber(secrets);
    } catch (error) {
      // A missing secret is this server's problem only: reported by name, the other sources still run.
      this.state = "misconfigured";
      this.problem = (error as Error).message;
    }
  }

  /** Starts the server unless it runs or is starting; resolves when it runs or its start failed (never rejects). */
  start(): Promise<void> {
    if (this.state === "ready" || this.state === "closed" || this.state === "misconfigured") return Promise.resolve();
    this.starting ??= this.connect().finally(() => {
      this.starting = undefined;
    });
    return this.starting;
  }

  /** Called by a tool whose call failed for a transport reason: the server is restarted in the background. */
  reportBroken(): void {
    if (this.state !== "ready") return;
    this.logger.warn({ server: this.name }, "MCP server connection lost; restarting it");
    this.state = "restarting";
    void this.dropClient().then(() => this.scheduleRetry());
  }

  /** Stops the server for good. */
  async close(): Promise<void> {
    this.state = "closed";
    clearTimeout(this.retryTimer);
    // A server stuck in its start (no answer to initialize) would hold shutdown for the SDK's 60 s
    // request timeout: wait a moment, then go on; that start closes its own client when it ends.
    if (this.starting) await waitAtMost(this.starting.catch(() => undefined), CLOSE_WAIT_MS);
    await this.dropClient();
    this.entries = [];
    this.live.clear();
  }

  /** The adapter's tool of the running connection, by its MCP name. */
  liveTool(name: string): DynamicStructuredTool | undefined {
    return this.state === "ready" ? this.live.get(name) : undefined;
  }

  /** Text with this server's secrets replaced. */
  scrubbed(text: string): string {
    return this.scrub(text);
  }

  private async connect(): Promise<void> {
    clearTimeout(this.retryTimer);
    this.state = this.starts === 0 ? "starting" : "restarting";
    this.starts += 1;
    const client = new MultiServerMCPClient({
      mcpServers: { [this.name]: this.connection! },
      ...LOAD_OPTIONS,
      onConnectionError: "throw",
      onToolsListChanged: () => void this.refreshTools(),
    });
    try {
      const tools = await client.getTools();
      if (this.isClosed()) {
        await client.close();
        return;
      }
      this.client = client;
      const sdkClient = await client.getClient(this.name);
      // Dies with the process (stdio) or the session: restart, so the next call finds it running.
      if (sdkClient) {
        const previous = sdkClient.onclose;
        sdkClient.onclose = () => {
          previous?.();
          if (this.client === client) this.reportBroken();
        };
      }
      this.setTools(tools);
      this.state = "ready";
      this.problem = undefined;
      this.failures = 0;
      this.logger.info({ server: this.name, tools: this.entries.length }, "MCP server ready");
    } catch (error) {
      await client.close().catch(() => undefined);
      if (this.isClosed()) return;
      this.problem = this.scrub(error instanceof Error ? error.message : String(error));
      this.entries = [];
      this.logger.warn({ server: this.name, problem: this.problem }, "MCP server failed to start; its tools are not offered");
      this.scheduleRetry();
    }
  }

  // A method, so TypeScript does not narrow `state` across the awaits in connect().
  private isClosed(): boolean {
    return this.state === "closed";
  }

  private scheduleRetry(): void {
    if (this.state === "closed") return;
    this.state = "restarting";
    const delay = Math.min(this.backoff.maxMs, this.backoff.initialMs * 2 ** this.failures);
    this.failures += 1;
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => void this.start(), delay);
    // A server that keeps failing must not keep the process alive.
    this.retryTimer.unref();
  }

  private async refreshTools(): Promise<void> {
    const sdkClient = await this.client?.getClient(this.name).catch(() => undefined);
    if (!sdkClient || this.state !== "ready") return;
    try {
      this.setTools(await loadMcpTools(this.name, sdkClient, LOAD_OPTIONS));
      this.logger.info({ server: this.name, tools: this.entries.length }, "MCP server's tool list changed");
    } catch (error) {
      this.logger.warn({ server: this.name, err: error }, "could not refresh an MCP server's tool list; keeping the old one");
    }
  }

  private setTools(tools: readonly DynamicStructuredTool[]): void {
    const specs: SourceTool[] = [];
    for (const tool of tools) {
      const spec = mcpToolSpec(tool, { server: this.name, config: this.config, handle: this });
      if (!specs.some((other) => other.spec.name === spec.name)) specs.push({ original: tool.name, spec });
      else this.logger.warn({ server: this.name, tool: tool.name }, "MCP tool skipped: its name clashes with another's after conversion to snake_case");
    }
    this.live = new Map(tools.map((tool) => [tool.name, tool]));
    this.entries = specs;
  }

  private async dropClient(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    await client?.close().catch((error: unknown) => this.logger.warn({ server: this.name, err: error }, "closing an MCP server failed"));
  }
}

/** The adapter's connection settings, with `${VAR}` references resolved (their values added to `secrets`). */
function connectionOf(name: string, config: McpServerConfig, lookup: EnvLookup, secrets: Set<string>): Connection {
  const where = `MCP server '${name}'`;
  if (!("command" in config)) {
    const transport = config.transport ?? (config.type === "sse" ? "sse" : config.type ? "http" : undefined);
    return {
      transport: transport ?? "http",
      url: resolveReferences(config.url, lookup, where, secrets),
      headers: resolveReferenceMap(config.headers, lookup, `${where} headers`, secrets),
      automaticSSEFallback: transport === undefined,
    };
  }
  const path = lookup("PATH");
  return {
    transport: "stdio",
    command: config.command,
    args: config.args.map((arg) => resolveReferences(arg, lookup, where, secrets)),
    // The child gets PATH (to find its interpreter) and what the config gives it, nothing else of ours.
    env: { ...(path ? { PATH: path } : {}), ...resolveReferenceMap(config.env, lookup, `${where} env`, secrets) },
    ...(config.cwd ? { cwd: config.cwd } : {}),
    stderr: "ignore",
  };
}
