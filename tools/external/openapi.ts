/**
 * An OpenAPI service as a tool source: on start it loads the OpenAPI 3 document (a file, or a URL
 * fetched under the network guard), dereferences it with `@readme/openapi-parser` (no external
 * references are fetched: they would pass the guard by), and offers the configured operations as
 * tools. Credentials come from `${VAR}` references per security scheme (bearer, basic, API key in
 * a header, query or cookie). A document that fails to load is reported by name; its tools are not
 * offered, and the next start tries again.
 */
import { dereference } from "@readme/openapi-parser";
import { resolve } from "node:path";
import { silentLogger, type Logger } from "../../lib/logger.js";
import { guardedRequest, type NetPolicy } from "../net/net-guard.js";
import { resolveReferences, secretScrubber, type EnvLookup, type OpenApiServiceConfig } from "./config.js";
import { OPERATION_METHODS, operationToolSpec, type Credential } from "./openapi-operation.js";
import type { SourceTool, ToolSourceHandle } from "./source.js";

type Json = Record<string, unknown>;

/** What an OpenAPI service needs of the process. */
export interface OpenApiServiceDeps {
  lookup: EnvLookup;
  policy: NetPolicy;
  /** Where a relative `spec` path starts (the config file's folder). */
  baseDir: string;
  logger?: Logger;
}

/** A configured OpenAPI service and its operations as tools. */
export class OpenApiService implements ToolSourceHandle {
  readonly kind = "openapi";
  state: "idle" | "starting" | "ready" | "failed" | "closed" = "idle";
  problem: string | undefined;
  entries: readonly SourceTool[] = [];
  private starting: Promise<void> | undefined;
  private scrub: (text: string) => string = (text) => text;
  private readonly logger: Logger;

  constructor(
    readonly name: string,
    private readonly config: OpenApiServiceConfig,
    private readonly deps: OpenApiServiceDeps,
  ) {
    this.logger = deps.logger ?? silentLogger();
  }

  /** Loads the document unless it is loaded; never rejects. */
  start(): Promise<void> {
    if (this.state === "ready" || this.state === "closed") return Promise.resolve();
    this.starting ??= this.load().finally(() => {
      this.starting = undefined;
    });
    return this.starting;
  }

  /** Forgets the tools. */
  async close(): Promise<void> {
    this.state = "closed";
    this.entries = [];
  }

  private async load(): Promise<void> {
    this.state = "starting";
    try {
      const secrets = new Set<string>();
      const credentialsByScheme = Object.fromEntries(
        Object.entries(this.config.auth).map(([scheme, value]) => [scheme, resolveReferences(value, this.deps.lookup, `OpenAPI service '${this.name}' auth (${scheme})`, secrets)]),
      );
      // A basic-auth credential travels base64-encoded; scrub that form too.
      for (const value of Object.values(credentialsByScheme)) secrets.add(Buffer.from(value).toString("base64"));
      this.scrub = secretScrubber(secrets);
      const document = await this.document();
      if (!String(document.openapi ?? "").startsWith("3.")) throw new Error(`${this.config.spec} is not an OpenAPI 3 document (openapi: ${String(document.openapi ?? document.swagger ?? "missing")})`);
      const baseUrl = this.config.baseUrl ?? this.serverUrl(document);
      const schemes = ((document.components as Json | undefined)?.securitySchemes ?? {}) as Record<string, Json>;
      const entries: SourceTool[] = [];
      const wanted = this.config.operations;
      for (const [path, item] of Object.entries((document.paths ?? {}) as Record<string, Json>)) {
        for (const method of OPERATION_METHODS) {
          const operation = item[method.toLowerCase()] as Json | undefined;
          if (!operation) continue;
          const operationId = String(operation.operationId ?? `${method.toLowerCase()}_${path.replace(/[^A-Za-z0-9]+/g, "_")}`);
          if (wanted && !wanted.includes(operationId)) continue;
          const security = (operation.security ?? document.security ?? []) as Record<string, unknown>[];
          const spec = operationToolSpec({
            service: this.name,
            operationId,
            method,
            path,
            operation,
            pathParameters: (item.parameters as Json[] | undefined) ?? [],
            baseUrl,
            credentials: credentialsFor(security, schemes, credentialsByScheme),
            config: this.config,
            policy: this.deps.policy,
            scrub: this.scrub,
          });
          if (spec) entries.push({ original: operationId, spec });
          else this.logger.warn({ service: this.name, operationId }, "OpenAPI operation skipped: its parameters cannot be expressed as a JSON Schema object");
        }
      }
      const missing = wanted?.filter((id) => !entries.some((entry) => entry.original === id)) ?? [];
      if (missing.length > 0) this.logger.warn({ service: this.name, missing }, "OpenAPI operations named in the config are not in the document");
      this.entries = entries;
      this.state = "ready";
      this.problem = undefined;
    } catch (error) {
      this.problem = this.scrub(error instanceof Error ? error.message : String(error));
      this.entries = [];
      this.state = "failed";
      this.logger.warn({ service: this.name, problem: this.problem }, "OpenAPI service failed to load; its tools are not offered");
    }
  }

  private async document(): Promise<Json> {
    const options = { resolve: { external: false }, dereference: { circular: "ignore" as const } };
    if (!/^https?:\/\//.test(this.config.spec)) return (await dereference(resolve(this.deps.baseDir, this.config.spec), options)) as unknown as Json;
    const response = await guardedRequest({ url: this.config.spec, method: "GET", maxBytes: 4 * 1024 * 1024, maxRedirects: 3, policy: this.deps.policy, headers: { accept: "application/json" } });
    if (response.status !== 200) throw new Error(`fetching ${this.config.spec} answered HTTP ${response.status}`);
    const parsed = JSON.parse(response.body.toString("utf8")) as Json;
    return (await dereference(parsed as never, options)) as unknown as Json;
  }

  private serverUrl(document: Json): string {
    const first = ((document.servers as Json[] | undefined) ?? [])[0]?.url;
    if (typeof first !== "string") throw new Error(`${this.config.spec} names no servers; set baseUrl for '${this.name}' in the config`);
    if (/^https?:\/\//.test(first)) return first;
    // A relative server URL is relative to where the document came from.
    if (/^https?:\/\//.test(this.config.spec)) return new URL(first, this.config.spec).toString();
    throw new Error(`${this.config.spec} names a relative server URL (${first}); set baseUrl for '${this.name}' in the config`);
  }
}

/** The credentials an operation's security requirement needs, from the configured ones. */
function credentialsFor(security: readonly Record<string, unknown>[], schemes: Record<string, Json>, configured: Record<string, string>): Credential[] {
  // The first alternative whose schemes are all configured; none configured = the call goes without.
  for (const requirement of security) {
    const names = Object.keys(requirement);
    if (!names.every((name) => configured[name] !== undefined && schemes[name])) continue;
    return names.map((name) => {
      const scheme = schemes[name]!;
      const value = configured[name]!;
      if (scheme.type === "http" && String(scheme.scheme).toLowerCase() === "bearer") return { in: "header", name: "authorization", value: `Bearer ${value}` };
      if (scheme.type === "http" && String(scheme.scheme).toLowerCase() === "basic") return { in: "header", name: "authorization", value: `Basic ${Buffer.from(value).toString("base64")}` };
      return { in: (scheme.in as Credential["in"]) ?? "header", name: String(scheme.name ?? name), value };
    });
  }
  return [];
}
