/**
 * The only reader of `process.env`. Parses every variable Switchboard understands with
 * zod, once, and fails fast with a message naming the variable at fault.
 * `.env.example` documents each variable; keep the two in step.
 */
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

const positiveInt = (fallback?: number) =>
  z
    .string()
    .trim()
    .optional()
    .transform((value, ctx) => {
      if (value === undefined || value === "") return fallback;
      const parsed = Number(value);
      if (!Number.isInteger(parsed) || parsed <= 0) {
        ctx.addIssue({ code: "custom", message: `must be a positive integer, got '${value}'` });
        return z.NEVER;
      }
      return parsed;
    });

/** The schema of Switchboard's environment; `.env.example` lists the same variables. */
export const envSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  LOG_LEVEL: z.enum(["debug", "info", "warn", "error", "silent"]).default("info"),

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

  LANGSMITH_TRACING: booleanFlag,
  LANGSMITH_API_KEY: optionalString,
  LANGSMITH_ENDPOINT: optionalString,
  LANGSMITH_PROJECT: optionalString,
});

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

/** The process environment, parsed on first use and cached; fails fast on a bad value. */
export function getEnv(): Env {
  cached ??= parseEnv(process.env);
  return cached;
}

/** Forgets the cached environment so the next `getEnv()` re-reads it (tests only). */
export function resetEnvForTests(): void {
  cached = undefined;
}
