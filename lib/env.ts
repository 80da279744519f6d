/**
 * The only reader of `process.env`. Parses every variable Switchboard understands with
 * zod, once, and fails fast with a message naming the variable at fault.
 * `.env.example` documents each variable; keep the two in step.
 */
import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { parseEnv as parseDotenv } from "node:util";
import { z } from "zod";
import { ConfigError } from "./errors.js";

const optionalString = z
  .string()
  .trim()
  .transform((value) => (value === "" ? undefined : value))
  .optional();

const booleanFlag = z
  .enum(["true", "false", "1", "0", "yes", "no", ""])
  .optional()
  .transform((value) => value === "true" || value === "1" || value === "yes");

const redisUrl = optionalString.refine(
  (value) => value === undefined || /^rediss?:\/\/.+/.test(value),
  "must be a redis:// or rediss:// URL, e.g. redis://127.0.0.1:6379",
);

const clusterNodes = optionalString.refine(
  (value) => value === undefined || value.split(",").every((node) => /^[^\s:,]+:\d{1,5}$/.test(node.trim())),
  "must be a comma-separated list of host:port, e.g. 10.0.0.1:7000,10.0.0.2:7000",
);

const positiveInt = <Fallback extends number | undefined = undefined>(fallback?: Fallback) =>
  z
    .string()
    .trim()
    .optional()
    .transform((value, ctx): number | Fallback => {
      if (value === undefined || value === "") return fallback as Fallback;
      const parsed = Number(value);
      if (!Number.isInteger(parsed) || parsed <= 0) {
        ctx.addIssue({ code: "custom", message: `must be a positive integer, got '${value}'` });
        return z.NEVER;
      }
      return parsed;
    });

const nonNegativeInt = (fallback: number) =>
  z
    .string()
    .trim()
    .optional()
    .transform((value, ctx) => {
      if (value === undefined || value === "") return fallback;
      const parsed = Number(value);
      if (!Number.isInteger(parsed) || parsed < 0) {
        ctx.addIssue({ code: "custom", message: `must be a whole number (0 or more), got '${value}'` });
        return z.NEVER;
      }
      return parsed;
    });

/** A JSON object in a variable, validated by `shape`; unset or empty = `fallback`. */
const jsonVariable = <T extends z.ZodType>(shape: T, example: string, fallback: z.infer<T>) =>
  z
    .string()
    .trim()
    .optional()
    .transform((value, ctx): z.infer<T> => {
      if (value === undefined || value === "") return fallback;
      let parsed: unknown;
      try {
        parsed = JSON.parse(value);
      } catch {
        ctx.addIssue({ code: "custom", message: `must be JSON, e.g. ${example}` });
        return z.NEVER;
      }
      const result = shape.safeParse(parsed);
      if (!result.success) {
        const issue = result.error.issues[0];
        ctx.addIssue({ code: "custom", message: `${issue?.path.join(".") || "value"} ${issue?.message}; e.g. ${example}` });
        return z.NEVER;
      }
      return result.data;
    });

const snakeName = z.string().regex(/^[a-z][a-z0-9_]*$/, "must be a snake_case name");
const toolPolicyName = z.enum(["allow", "deny", "require_approval"]);

/** The variables of Switchboard's environment, as set; `.env.example` lists the same ones. */
const variables = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  LOG_LEVEL: z.enum(["debug", "info", "warn", "error", "silent"]).default("info"),
  SWITCHBOARD_SKIP_DOTENV: z.enum(["0", "1"]).default("0"),

  REDIS_URL: redisUrl,
  REDIS_CLUSTER_NODES: clusterNodes,
  REDIS_KEY_PREFIX: z.string().default("sb:"),
  CHECKPOINT_TTL_MINUTES: positiveInt(),

  OPENAI_API_KEY: optionalString,
  OPENAI_BASE_URL: optionalString.refine(
    (value) => value === undefined || /^https?:\/\/.+/.test(value),
    "must be an http(s) URL, e.g. http://localhost:11434/v1",
  ),
  OPENAI_MODEL: z.string().trim().min(1).default("gpt-4o-mini"),
  OPENAI_EMBEDDINGS_MODEL: optionalString,
  OPENAI_EMBEDDINGS_DIMENSIONS: positiveInt(),
  OPENAI_AGENT_MODELS: jsonVariable(z.record(snakeName, z.string().min(1)), '{"researcher":"gpt-4o"}', {}),
  OPENAI_TIMEOUT_MS: positiveInt(30_000),
  OPENAI_MAX_RETRIES: nonNegativeInt(2),
  OPENAI_BREAKER_THRESHOLD: positiveInt(5),
  OPENAI_BREAKER_COOLDOWN_MS: positiveInt(30_000),

  TAVILY_API_KEY: optionalString,
  WORKSPACE_DIR: z.string().trim().min(1).default("./workspace"),
  TOOL_CALL_BUDGET: positiveInt(50),
  TOOL_POLICIES: jsonVariable(
    z.record(z.string().regex(/^([a-z][a-z0-9_]*:)?([a-z][a-z0-9_]*|\*)$/, "must be 'tool', 'graph:tool' or 'graph:*'"), toolPolicyName),
    '{"send_webhook":"allow","supervisor:write_file":"require_approval"}',
    {},
  ),
  TOOL_RATE_LIMITS: jsonVariable(
    z.record(snakeName, z.object({ capacity: z.number().positive(), refillPerSecond: z.number().positive() })),
    '{"http_fetch":{"capacity":10,"refillPerSecond":0.5}}',
    {},
  ),
  TOOL_SANDBOX_WORKERS: positiveInt(2),
  TOOL_SANDBOX_PER_OWNER: positiveInt(1),
  TOOL_NET_ALLOWLIST: optionalString.refine(
    (value) => value === undefined || value.split(",").every((entry) => /^[A-Za-z0-9.:\-/*[\]]+$/.test(entry.trim())),
    "must be a comma-separated list of host names, IP addresses or CIDR ranges, e.g. 127.0.0.1,10.0.0.0/8,intranet.example",
  ),

  SWITCHBOARD_MCP_CONFIG: optionalString,

  LANGSMITH_TRACING: booleanFlag,
  LANGSMITH_API_KEY: optionalString,
  LANGSMITH_ENDPOINT: optionalString.refine(
    (value) => value === undefined || /^https?:\/\/.+/.test(value),
    "must be an http(s) URL, e.g. https://api.smith.langchain.com",
  ),
  LANGSMITH_PROJECT: optionalString,

  // --- Tracing (local traces, cost accounting) ---
  TRACE_RETENTION_HOURS: positiveInt(168),
  TRACE_MAX_KB: positiveInt(2_048),
  // --- end tracing ---

  // --- Server (npm run serve) ---
  LANGGRAPH_CONFIG: jsonVariable(z.record(z.string(), z.record(z.string(), z.unknown())), '{"agent":{"configurable":{"model":"gpt-4o"}}}', {}),
  PORT: z
    .string()
    .trim()
    .optional()
    .transform((value, ctx) => {
      if (value === undefined || value === "") return 2024;
      const port = Number(value);
      if (!Number.isInteger(port) || port < 0 || port > 65_535) {
        ctx.addIssue({ code: "custom", message: `must be a port number 0-65535, got '${value}'` });
        return z.NEVER;
      }
      return port;
    }),
  HOST: z.string().trim().min(1).default("127.0.0.1"),
  SERVER_API_KEYS: optionalString.refine(
    (value) => value === undefined || value.split(",").every((pair) => /^[^\s,:]{16,}(:[^\s,]+)?$/.test(pair.trim())),
    "must be comma-separated key:owner pairs with keys of 16+ characters, e.g. 3f9c...e1:alice,77ab...02:bob",
  ),
  SERVER_CORS_ORIGINS: optionalString,
  SERVER_BODY_LIMIT_BYTES: positiveInt(1_048_576),
  SERVER_RUN_CONCURRENCY: positiveInt(32),
  SERVER_SHUTDOWN_TIMEOUT_MS: positiveInt(30_000),
  SERVER_EVENTS_RETAIN_SECONDS: positiveInt(600),
  SERVER_THREAD_TTL_SWEEP_MS: positiveInt(30_000),
  SERVER_WEBHOOK_ALLOWLIST: optionalString.refine(
    (value) => value === undefined || value.split(",").every((entry) => /^[A-Za-z0-9.:\-/*[\]]+$/.test(entry.trim())),
    "must be a comma-separated list of host names, IP addresses or CIDR ranges that run webhooks may reach although private or loopback, e.g. 127.0.0.1,hooks.internal",
  ),
  SERVER_WEBHOOK_SECRET: optionalString,
  SERVER_WEBHOOK_ATTEMPTS: positiveInt(5),
  SERVER_WEBHOOK_RETRY_MS: positiveInt(1_000),
  SERVER_REDIS_DEADLINE_MS: positiveInt(3_000),
  SERVER_PROCESSES: z
    .string()
    .trim()
    .optional()
    .transform((value, ctx): number | "auto" => {
      if (value === undefined || value === "") return 1;
      if (value === "auto") return "auto";
      const parsed = Number(value);
      if (!Number.isInteger(parsed) || parsed < 1) {
        ctx.addIssue({ code: "custom", message: `must be a whole number of processes (1 or more) or 'auto' (one per CPU core), got '${value}'` });
        return z.NEVER;
      }
      return parsed;
    }),
  SERVER_MCP_TOOLS: z.enum(["assistants", "graphs"], { error: "must be 'assistants' (every assistant the caller sees is a tool at /mcp) or 'graphs' (only each graph's built-in assistant)" }).default("assistants"),

  // --- Scale-out (queue workers, leases; npm run worker) ---
  WORKERS: z
    .string()
    .trim()
    .optional()
    .transform((value, ctx): number | undefined => {
      if (value === undefined || value === "") return undefined;
      const parsed = Number(value);
      if (!Number.isInteger(parsed) || parsed < 0) {
        ctx.addIssue({ code: "custom", message: `must be a whole number (0 = no in-process workers), got '${value}'` });
        return z.NEVER;
      }
      return parsed;
    }),
  WORKER_CONCURRENCY: positiveInt(8),
  RUN_LEASE_MS: positiveInt(15_000),
  RUN_MAX_TAKEOVERS: positiveInt(3),
  WORKER_HEALTH_PORT: positiveInt(),
});

/** Where Redis is: one node (or a proxy in front of a cluster) by URL, or a Redis Cluster by its seed nodes. */
export type RedisTarget = { url: string; clusterNodes?: never } | { clusterNodes: string[]; url?: never };

/** The Redis the environment names: REDIS_CLUSTER_NODES wins over REDIS_URL; neither = the embedded mode. */
function redisTarget(set: z.infer<typeof variables>): RedisTarget | undefined {
  if (set.REDIS_CLUSTER_NODES) return { clusterNodes: set.REDIS_CLUSTER_NODES.split(",").map((node) => node.trim()) };
  if (set.REDIS_URL) return { url: set.REDIS_URL };
  return undefined;
}

/** The name of every variable Switchboard reads (deploy files may set no others). */
export const KNOWN_VARIABLES: readonly string[] = Object.keys(variables.shape);

/** The schema of Switchboard's environment: the variables, plus what is derived from them once (`redis`). */
export const envSchema = variables.transform((set) => ({
  ...set,
  /** Redis to connect to (key prefix: REDIS_KEY_PREFIX); undefined = no Redis configured, the embedded mode. */
  redis: redisTarget(set),
}));

/** Switchboard's validated environment. */
export type Env = z.infer<typeof envSchema>;

/** Parses an environment-like record; throws a ConfigError naming every bad variable. */
export function parseEnv(source: Record<string, string | undefined>): Env {
  const result = envSchema.safeParse(source);
  if (result.success) return Object.freeze(result.data);
  const problems = result.error.issues.map((issue) => `${issue.path.join(".") || "(root)"} ${issue.message}`);
  const first = result.error.issues[0]?.path[0];
  throw new ConfigError(`Invalid environment: ${problems.join("; ")}. Fix the variable(s) and start again (see .env.example).`, {
    ...(typeof first === "string" ? { setting: first } : {}),
  });
}

let cached: Env | undefined;

/**
 * The process environment, parsed on first use and cached; fails fast on a bad value. Only here
 * does `./mcp.json` become the default `SWITCHBOARD_MCP_CONFIG`: an env parsed from an object (as
 * tests build theirs) never picks up a file a developer keeps in the working directory.
 */
export function getEnv(): Env {
  cached ??= parseEnv({ ...process.env, SWITCHBOARD_MCP_CONFIG: process.env.SWITCHBOARD_MCP_CONFIG ?? defaultMcpConfig() });
  return cached;
}

/** `mcp.json` when the working directory has one (the file Claude Desktop-style clients keep). */
function defaultMcpConfig(): string | undefined {
  return existsSync(resolve("mcp.json")) ? "mcp.json" : undefined;
}

/** Where values for the environment come from: a `.env`-style file, or an object (langgraph.json's `env`). */
export type EnvSource = { file: string; required?: boolean } | { values: Record<string, string>; origin: string };

/** What `loadEnvSources` did, for the one line a process prints at start. */
export interface EnvLoadReport {
  /** Files read (absolute), in order. */
  read: string[];
  /** Files named but absent (a warning, as `langgraph dev` gives). */
  missing: string[];
  /** The working directory's `.env`, left unread because SWITCHBOARD_SKIP_DOTENV=1. */
  skipped: string[];
  /** Variables set from the sources. */
  applied: number;
  /** Their names, so an in-process test server can take them back on close. */
  names: string[];
  /** Variables the sources also set but the real environment already had (the real environment wins). */
  kept: number;
}

/**
 * Copies values into `process.env` where a variable is not set yet, so the real environment wins
 * over every source and an earlier source over a later one (dotenv's rule, as `langgraph dev`
 * applies it). Graphs that read `process.env` themselves see the values too. Resets the cache.
 */
export function loadEnvSources(sources: readonly EnvSource[], target: Record<string, string | undefined> = process.env): EnvLoadReport {
  const report: EnvLoadReport = { read: [], missing: [], skipped: [], applied: 0, names: [], kept: 0 };
  const seen = new Set<string>();
  for (const source of sources) {
    let values: Record<string, string | undefined>;
    if ("file" in source) {
      const path = resolve(source.file);
      if (seen.has(path)) continue;
      seen.add(path);
      // The test suite sets this so a developer's own ./.env never steers a server or CLI it spawns.
      if (target.SWITCHBOARD_SKIP_DOTENV === "1" && path === resolve(".env")) {
        report.skipped.push(path);
        continue;
      }
      let text: string;
      try {
        text = readFileSync(path, "utf8");
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== "ENOENT" || source.required) {
          throw new ConfigError(`Cannot read the env file ${path}: ${(error as Error).message}.`, { cause: error, setting: "env" });
        }
        report.missing.push(path);
        continue;
      }
      values = parseDotenv(text);
      report.read.push(path);
    } else {
      values = source.values;
    }
    for (const [name, value] of Object.entries(values)) {
      if (value === undefined) continue;
      if (name in target) {
        report.kept += 1;
        continue;
      }
      target[name] = value;
      report.applied += 1;
      report.names.push(name);
    }
  }
  cached = undefined;
  return report;
}

/** Takes back what `loadEnvSources` set (an in-process server closing). */
export function unloadEnvSources(report: EnvLoadReport, target: Record<string, string | undefined> = process.env): void {
  for (const name of report.names) delete target[name];
  cached = undefined;
}

/** One line saying which env files were read (or none), for the start of a process. */
export function describeEnvLoad(report: EnvLoadReport): string {
  const parts = report.read.length ? [`read ${report.read.join(", ")} (${report.applied} set, ${report.kept} kept from the real environment)`] : ["no env file read"];
  for (const path of report.missing) parts.push(`${path} is named but missing`);
  for (const path of report.skipped) parts.push(`${path} skipped (SWITCHBOARD_SKIP_DOTENV=1)`);
  return `env: ${parts.join("; ")}`;
}

/**
 * LANGGRAPH_CONFIG as the process has it now (per graph id: the system assistant's config and
 * `context`): a langgraph.json `env` loaded after start-up may set it.
 */
export function currentLanggraphConfig(): Env["LANGGRAPH_CONFIG"] {
  const result = variables.shape.LANGGRAPH_CONFIG.safeParse(process.env.LANGGRAPH_CONFIG);
  if (result.success) return result.data;
  throw new ConfigError(`Invalid environment: LANGGRAPH_CONFIG ${result.error.issues[0]?.message}.`, { setting: "LANGGRAPH_CONFIG" });
}

/** Forgets the cached environment so the next `getEnv()` re-reads it (tests only). */
export function resetEnvForTests(): void {
  cached = undefined;
}

/**
 * The value of an environment variable named by a `${VAR}` reference in a tool-source config
 * (MCP server env and headers, OpenAPI credentials); `undefined` when it is not set.
 */
export function readEnvReference(name: string, source: Record<string, string | undefined> = process.env): string | undefined {
  const value = source[name];
  return value === undefined || value === "" ? undefined : value;
}
