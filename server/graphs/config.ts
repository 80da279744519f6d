/**
 * A project's `langgraph.json`, read as `langgraph dev` reads it: `graphs` (a "file:export" string
 * or `{ path, description }`), `env` (a file or an object), `http` (a Hono app and the options
 * that switch built-in route groups off, CORS), `auth.path`, `ui` and `ui_config` (generative UI
 * components bundled at start), and the build-time fields that matter only to `langgraph build`
 * (accepted, not used). Any other field, or a field we do not serve (`store`, `checkpointer`),
 * fails at start naming the field: a project never loses a setting silently.
 */
import { readFile } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { z } from "zod";
import type { EnvSource } from "../../lib/env.js";

/** The project's own langgraph.json. */
export const PROJECT_LANGGRAPH_JSON = fileURLToPath(new URL("../../langgraph.json", import.meta.url));
import { ConfigError } from "../../lib/errors.js";

const importString = z.string().regex(/^[^:]+(:[A-Za-z_$][\w$]*)?$/, "must be 'path/to/file.ts:export'");

const corsSchema = z.strictObject({
  allow_origins: z.array(z.string()).optional(),
  allow_methods: z.array(z.string()).optional(),
  allow_headers: z.array(z.string()).optional(),
  allow_credentials: z.boolean().optional(),
  allow_origin_regex: z.string().optional(),
  expose_headers: z.array(z.string()).optional(),
  max_age: z.number().optional(),
});

const httpSchema = z.strictObject({
  app: importString.optional(),
  disable_assistants: z.boolean().default(false),
  disable_threads: z.boolean().default(false),
  disable_runs: z.boolean().default(false),
  disable_store: z.boolean().default(false),
  disable_meta: z.boolean().default(false),
  disable_mcp: z.boolean().default(false),
  // The platform's spec has it; the JS reference (1.5.1) ignores it and always serves `ui`.
  disable_ui: z.boolean().default(false),
  cors: corsSchema.optional(),
});

/** Fields only `langgraph build`/`up` use (images, Python); a server accepts them and has nothing to do. */
const BUILD_ONLY = ["dockerfile_lines", "docker_compose_file", "_INTERNAL_docker_tag", "api_version", "base_image", "image_distro", "node_loader", "pip_config_file", "pip_installer", "python_version", "keep_pkg_tools"] as const;

const langgraphJsonSchema = z.strictObject({
  $schema: z.string().optional(),
  graphs: z.record(
    z.string().regex(/^[A-Za-z0-9_\-.]+$/, "graph ids are letters, digits, _ - ."),
    z.union([importString, z.strictObject({ path: importString, description: z.string().optional() })]),
  ),
  env: z.union([z.string().min(1), z.record(z.string(), z.string())]).optional(),
  http: httpSchema.optional(),
  auth: z.strictObject({ path: importString.optional(), disable_studio_auth: z.boolean().default(false) }).optional(),
  ui: z.record(z.string(), z.string()).optional(),
  ui_config: z.strictObject({ shared: z.array(z.string()).optional() }).optional(),
  node_version: z.union([z.literal("20"), z.literal("22"), z.literal("24"), z.number()]).optional(),
  dependencies: z.array(z.string()).optional(),
  ...Object.fromEntries(BUILD_ONLY.map((field) => [field, z.unknown().optional()])),
});

/** The `http` section, defaults applied. */
export type HttpConfig = z.infer<typeof httpSchema>;
/** CORS as langgraph.json spells it. */
export type CorsConfig = z.infer<typeof corsSchema>;

/** A parsed langgraph.json; paths in it are relative to `dir`. */
export interface LanggraphConfig {
  path: string;
  dir: string;
  /** Graph id → "file:export". */
  graphs: Record<string, string>;
  /** Graph id → description, where the config gives one. */
  descriptions: Record<string, string>;
  /** Where the env comes from (a file relative to `dir`, or values). */
  env?: EnvSource;
  http?: HttpConfig;
  /** "file:export" of the project's `Auth`. */
  authPath?: string;
  /** `auth.disable_studio_auth`: Studio's requests go through the project's Auth too. */
  disableStudioAuth?: boolean;
  /** Graph id → its UI components file (langgraph.json `ui`), unless `http.disable_ui`. */
  ui?: Record<string, string>;
  /** `ui_config.shared`: packages the UI bundles import from the host page instead of bundling. */
  uiShared?: string[];
  /** The Node major the project asks for. */
  nodeVersion?: string;
}

function fail(absolute: string, field: string, message: string): never {
  throw new ConfigError(`${absolute}: '${field}' ${message}`, { setting: field });
}

/** Reads and validates a langgraph.json; ConfigError naming the file and the field otherwise. */
export async function readLanggraphConfig(path: string): Promise<LanggraphConfig> {
  const absolute = resolve(path);
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(absolute, "utf8"));
  } catch (error) {
    throw new ConfigError(`Cannot read ${absolute}: ${(error as Error).message}. Pass --config path/to/langgraph.json.`, { cause: error, setting: "--config" });
  }
  const result = langgraphJsonSchema.safeParse(parsed);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    if (issue.code === "unrecognized_keys") {
      const field = [...issue.path, issue.keys[0]].join(".");
      fail(absolute, field, "is not supported by Switchboard's server; remove it (or see the langgraph.json table in the README for what is served).");
    }
    fail(absolute, issue.path.join(".") || "(root)", `${issue.message}.`);
  }
  const data = result.data;
  const dir = dirname(absolute);
  const graphs: Record<string, string> = {};
  const descriptions: Record<string, string> = {};
  for (const [id, spec] of Object.entries(data.graphs)) {
    graphs[id] = typeof spec === "string" ? spec : spec.path;
    if (typeof spec !== "string" && spec.description) descriptions[id] = spec.description;
  }
  return {
    path: absolute,
    dir,
    graphs,
    descriptions,
    ...(typeof data.env === "string" ? { env: { file: resolve(dir, data.env) } } : data.env ? { env: { values: data.env, origin: `${absolute} env` } } : {}),
    ...(data.http ? { http: data.http } : {}),
    ...(data.auth?.path ? { authPath: data.auth.path, disableStudioAuth: data.auth.disable_studio_auth } : {}),
    ...(data.ui && Object.keys(data.ui).length && !data.http?.disable_ui ? { ui: data.ui, uiShared: data.ui_config?.shared ?? [] } : {}),
    ...(data.node_version !== undefined ? { nodeVersion: String(data.node_version) } : {}),
  };
}

/** A warning when this Node is older than the major the project asks for. */
export function nodeVersionWarning(config: LanggraphConfig, running = process.versions.node): string | undefined {
  if (!config.nodeVersion) return undefined;
  const major = Number(running.split(".")[0]);
  return major < Number(config.nodeVersion) ? `${config.path} asks for Node ${config.nodeVersion}; this is Node ${running}.` : undefined;
}
