/**
 * The external tool sources file (`SWITCHBOARD_MCP_CONFIG`, default `./mcp.json`): MCP servers in
 * the shape Claude Desktop and `@langchain/mcp-adapters` use (`mcpServers`: stdio with command,
 * args, env; Streamable HTTP / SSE with url and headers), OpenAPI services (`openapi`), and which
 * agents get which of their tools (`agents`: `"researcher": ["fs.*", "petstore.listPets"]`).
 * Secrets are `${VAR}` references resolved from the environment when a source starts; the
 * resolved values are kept only to scrub them from what tools return.
 */
import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { z } from "zod";
import { ConfigError } from "../../lib/errors.js";
import type { SideEffectClass } from "../types.js";

// Claude Desktop and VS Code configs name servers like "brave-search" or "GitHub": taken as they are
// (the model-facing prefix is their snake_case form); 32 characters leave room for the tool's name.
const SOURCE_NAME = /^[A-Za-z][A-Za-z0-9_-]{0,31}$/;
const sideEffectClass = z.enum(["read_only", "idempotent_write", "external_side_effect"]);

/** Settings every source shares. */
const sourceCommon = {
  /** Per-call time limit of this source's tools. */
  timeoutMs: z.number().int().positive().max(600_000).default(60_000),
  /** Side-effect class per tool / operation name; wins over what the source declares. */
  sideEffects: z.record(z.string(), sideEffectClass).default({}),
};

// Keys other clients' files carry (disabled, autoApprove, ...) are ignored, so a Claude Desktop or
// VS Code file works as it is; `type` is the same as `transport`.
const stdioServer = z.object({
  transport: z.literal("stdio").optional(),
  type: z.literal("stdio").optional(),
  command: z.string().min(1),
  args: z.array(z.string()).default([]),
  env: z.record(z.string(), z.string()).default({}),
  cwd: z.string().optional(),
  ...sourceCommon,
});

const httpServer = z.object({
  transport: z.enum(["http", "sse"]).optional(),
  type: z.enum(["http", "sse", "streamable-http", "streamableHttp"]).optional(),
  /** http(s) URL; may contain `${VAR}` references. */
  url: z.string().regex(/^(https?:\/\/|\$\{)/, "must be an http(s) URL"),
  headers: z.record(z.string(), z.string()).default({}),
  ...sourceCommon,
});

const openapiService = z.strictObject({
  /** The OpenAPI 3 document: a path (relative to the config file) or an http(s) URL. */
  spec: z.string().min(1),
  /** Base URL of the calls (default: the document's first `servers` entry). */
  baseUrl: z.string().url().optional(),
  /** The operations agents may get, by operationId (default: every operation). */
  operations: z.array(z.string().min(1)).optional(),
  /** Credentials per security scheme name, e.g. `{"bearerAuth": "${API_TOKEN}"}`. */
  auth: z.record(z.string(), z.string()).default({}),
  /** Longest response body handed to the model, in characters. */
  maxResponseChars: z.number().int().positive().default(8_000),
  ...sourceCommon,
});

const configSchema = z.object({
  mcpServers: z.record(z.string().regex(SOURCE_NAME, "server names are letters, digits, _ and -, starting with a letter, at most 32 characters"), z.union([stdioServer, httpServer])).default({}),
  openapi: z.record(z.string().regex(SOURCE_NAME, "service names are letters, digits, _ and -, starting with a letter, at most 32 characters"), openapiService).default({}),
  /** Agent name, graph id (every agent of that graph) or `*` (every agent) → tool patterns `source.tool` or `source.*`. */
  agents: z.record(z.string(), z.array(z.string().regex(/^[A-Za-z][A-Za-z0-9_-]*\.(\*|[A-Za-z0-9_.\-/]+)$/, "patterns are 'source.tool' or 'source.*'"))).default({}),
});

/** A stdio MCP server's settings. */
export type StdioServerConfig = z.infer<typeof stdioServer>;
/** A Streamable HTTP / SSE MCP server's settings. */
export type HttpServerConfig = z.infer<typeof httpServer>;
/** An MCP server's settings, as written (references not resolved). */
export type McpServerConfig = StdioServerConfig | HttpServerConfig;
/** An OpenAPI service's settings, as written. */
export type OpenApiServiceConfig = z.infer<typeof openapiService>;
/** The whole file, validated; `baseDir` is where relative paths in it start. */
export type ExternalToolsConfig = z.infer<typeof configSchema> & { baseDir: string };

/** Reads `${VAR}` references (lib/env's `readEnvReference`, or a test's map). */
export type EnvLookup = (name: string) => string | undefined;

/** Validates a parsed config object; `origin` names it in errors. */
export function parseExternalToolsConfig(raw: unknown, origin: string, baseDir = "."): ExternalToolsConfig {
  const parsed = configSchema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues
      .map((issue) => `${issue.path.join(".") || "(root)"}: ${issue.message}${issue.code === "invalid_key" ? " (source names are letters, digits, _ and -, starting with a letter, at most 32 characters)" : ""}`)
      .join("; ");
    throw new ConfigError(`The tool sources file ${origin} is invalid: ${problems}. Fix it (see README "External tools") or set SWITCHBOARD_MCP_CONFIG=off.`, {
      setting: "SWITCHBOARD_MCP_CONFIG",
    });
  }
  const names = [...Object.keys(parsed.data.mcpServers), ...Object.keys(parsed.data.openapi)];
  const twice = names.find((name, index) => names.indexOf(name) !== index);
  if (twice) throw new ConfigError(`The tool sources file ${origin} names '${twice}' as both an MCP server and an OpenAPI service; rename one.`, { setting: "SWITCHBOARD_MCP_CONFIG" });
  const alike = names.find((name, index) => names.findIndex((other) => snakeCase(other) === snakeCase(name)) !== index);
  if (alike) throw new ConfigError(`The tool sources file ${origin} names two sources that both give their tools the prefix '${snakeCase(alike)}__' (e.g. 'a-b' and 'a_b'); rename one.`, { setting: "SWITCHBOARD_MCP_CONFIG" });
  for (const [agent, patterns] of Object.entries(parsed.data.agents)) {
    const unknown = patterns.find((pattern) => !names.includes(pattern.slice(0, pattern.indexOf("."))));
    if (unknown) throw new ConfigError(`The tool sources file ${origin} gives agent '${agent}' '${unknown}', but no source has that name (sources: ${names.join(", ") || "none"}).`, { setting: "SWITCHBOARD_MCP_CONFIG" });
  }
  return { ...parsed.data, baseDir };
}

/**
 * The config `SWITCHBOARD_MCP_CONFIG` names; undefined when it is unset or `off`. (`getEnv()` sets it
 * to `mcp.json` when the working directory has one.)
 */
export function loadExternalToolsConfig(setting: string | undefined, cwd = process.cwd()): ExternalToolsConfig | undefined {
  if (setting === undefined || setting === "off") return undefined;
  const path = resolve(cwd, setting);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, "utf8"));
  } catch (error) {
    throw new ConfigError(`SWITCHBOARD_MCP_CONFIG: cannot read ${path} as JSON (${(error as Error).message}). Fix the file or set SWITCHBOARD_MCP_CONFIG=off.`, {
      setting: "SWITCHBOARD_MCP_CONFIG",
    });
  }
  return parseExternalToolsConfig(raw, path, dirname(path));
}

/** Resolves `${VAR}` references in `text`; a missing variable is a ConfigError naming the source and the variable. */
export function resolveReferences(text: string, lookup: EnvLookup, where: string, secrets: Set<string>): string {
  return text.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (_, name: string) => {
    const value = lookup(name);
    if (value === undefined) throw new ConfigError(`${where} refers to \${${name}}, which is not set in the environment; set it or remove the reference.`, { setting: name });
    secrets.add(value);
    return value;
  });
}

/** Resolves every value of a string map (env, headers, auth). */
export function resolveReferenceMap(values: Readonly<Record<string, string>>, lookup: EnvLookup, where: string, secrets: Set<string>): Record<string, string> {
  return Object.fromEntries(Object.entries(values).map(([key, value]) => [key, resolveReferences(value, lookup, `${where} (${key})`, secrets)]));
}

/** A function that replaces every resolved secret in a text with `[redacted]`. */
export function secretScrubber(secrets: ReadonlySet<string>): (text: string) => string {
  const values = [...secrets].filter((value) => value.length >= 4).sort((a, b) => b.length - a.length);
  return (text) => values.reduce((out, value) => out.split(value).join("[redacted]"), text);
}

/** Whether a `source.tool` pattern matches a tool of a source. */
export function matchesPattern(pattern: string, source: string, tool: string): boolean {
  const dot = pattern.indexOf(".");
  const wantedTool = pattern.slice(dot + 1);
  return pattern.slice(0, dot) === source && (wantedTool === "*" || wantedTool === tool);
}

const snakeCase = (name: string) =>
  name
    .replace(/([a-z0-9])([A-Z])/g, "$1_$2")
    .toLowerCase()
    .replace(/[^a-z0-9_]+/g, "_")
    .replace(/^_+|_+$/g, "");

/** The model-facing name of a source's tool: `source__tool` in snake_case, at most 64 characters. */
export function externalToolName(source: string, tool: string): string {
  return `${snakeCase(source)}__${snakeCase(tool) || "tool"}`.slice(0, 64);
}

/** The side-effect class of a tool from the operator's config, else the source's declaration. */
export function sideEffectOf(config: { sideEffects: Readonly<Record<string, SideEffectClass>> }, tool: string, declared: SideEffectClass): SideEffectClass {
  return config.sideEffects[tool] ?? declared;
}
