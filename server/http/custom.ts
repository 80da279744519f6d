/**
 * langgraph.json `http.app`: the project's own Hono app (custom routes, middleware), imported
 * from its "file:export" and mounted beside the API exactly where `langgraph dev` mounts it.
 */
import type { Hono } from "hono";
import { ConfigError } from "../../lib/errors.js";
import type { HttpConfig, LanggraphConfig } from "../graphs/config.js";
import { importSpec } from "../graphs/load.js";

/** The `http` section with the project's app loaded. */
export type CustomHttp = Omit<HttpConfig, "app"> & { app?: Hono };

/** Loads `http.app`; a ConfigError naming the field when it cannot be served. */
export async function loadCustomHttp(config: LanggraphConfig): Promise<CustomHttp | undefined> {
  if (!config.http) return undefined;
  const { app: spec, ...options } = config.http;
  if (!spec) return options;
  let app: unknown;
  try {
    app = await importSpec(config.dir, spec);
  } catch (error) {
    throw new ConfigError(`${config.path}: 'http.app' ${spec} cannot be loaded: ${(error as Error).message}.`, { cause: error, setting: "http.app" });
  }
  if (typeof (app as Hono | null)?.fetch !== "function" || !Array.isArray((app as Hono).routes)) {
    throw new ConfigError(`${config.path}: 'http.app' ${spec} is not a Hono app; export \`new Hono()\` with your routes.`, { setting: "http.app" });
  }
  return { ...options, app: app as Hono };
}
