/**
 * One OpenAPI 3 operation (from a dereferenced document) as one of our tool specs: its arguments
 * are the operation's parameters plus `body` (the JSON request body), as a JSON Schema turned into
 * zod; its description is the summary and description; GET/HEAD are read-only, other methods are
 * external side effects (the operator's config may say otherwise). A call goes out under the
 * network guard with the credentials of its security schemes, and the response is size-capped and
 * summarised for the model.
 */
import { z } from "zod";
import { guardedRequest, type NetPolicy } from "../net/net-guard.js";
import type { AnyToolSpec, SideEffectClass } from "../types.js";
import { externalToolName, sideEffectOf, type OpenApiServiceConfig } from "./config.js";

type Json = Record<string, unknown>;
type Method = "GET" | "HEAD" | "POST" | "PUT" | "PATCH" | "DELETE";

/** The HTTP methods an operation can become a tool for. */
export const OPERATION_METHODS: readonly Method[] = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"];

/** Where a credential goes: a header, a query parameter or a cookie. */
export interface Credential {
  in: "header" | "query" | "cookie";
  name: string;
  value: string;
}

/** One operation, as found in the document. */
export interface OperationInput {
  service: string;
  operationId: string;
  method: Method;
  path: string;
  operation: Json;
  /** Parameters declared on the path item (the operation's own win). */
  pathParameters: Json[];
  baseUrl: string;
  credentials: readonly Credential[];
  config: OpenApiServiceConfig;
  policy: NetPolicy;
  scrub(text: string): string;
}

interface Parameter {
  in: "path" | "query" | "header";
  name: string;
}

/** The tool spec of one operation; undefined when its arguments cannot be expressed. */
export function operationToolSpec(input: OperationInput): AnyToolSpec | undefined {
  const { operation, method, path, config } = input;
  const properties: Json = {};
  const required: string[] = [];
  const parameters = new Map<string, Parameter>();
  const declared = [...input.pathParameters, ...((operation.parameters as Json[] | undefined) ?? [])];
  for (const parameter of declared) {
    const where = parameter.in as string;
    if (where !== "path" && where !== "query" && where !== "header") continue;
    const name = String(parameter.name);
    // A parameter of the same name in another place gets a prefixed argument name.
    const argument = parameters.has(name) && parameters.get(name)!.in !== where ? `${where}_${name}` : name;
    parameters.set(argument, { in: where, name });
    properties[argument] = { ...((parameter.schema as Json | undefined) ?? { type: "string" }), ...(parameter.description ? { description: parameter.description } : {}) };
    if (parameter.required === true || where === "path") required.push(argument);
  }
  const body = operation.requestBody as Json | undefined;
  const jsonBody = ((body?.content as Json | undefined)?.["application/json"] as Json | undefined)?.schema;
  if (jsonBody) {
    properties.body = { ...(jsonBody as Json), ...(body?.description ? { description: body.description } : {}) };
    if (body?.required === true) required.push("body");
  }
  let schema: z.ZodObject;
  try {
    const converted = z.fromJSONSchema({ type: "object", properties, required: [...new Set(required)] } as Parameters<typeof z.fromJSONSchema>[0]);
    if (!(converted instanceof z.ZodObject)) return undefined;
    schema = converted;
  } catch {
    return undefined;
  }
  const declaredEffect: SideEffectClass = method === "GET" || method === "HEAD" ? "read_only" : "external_side_effect";
  const text = [operation.summary, operation.description].filter((part) => typeof part === "string" && part.trim()).join(" — ");
  return {
    name: externalToolName(input.service, input.operationId),
    description: `(API '${input.service}', ${method} ${path}) ${text || "No description given."}`.slice(0, 1_024),
    schema,
    timeoutMs: config.timeoutMs,
    sideEffect: sideEffectOf(config, input.operationId, declaredEffect),
    source: `openapi:${input.service}`,
    async run(args, ctx) {
      const url = new URL(input.baseUrl.replace(/\/$/, "") + path.replace(/\{([^}]+)\}/g, (_, name: string) => encodeURIComponent(String(args[name] ?? ""))));
      const headers: Record<string, string> = { accept: "application/json" };
      for (const [argument, parameter] of parameters) {
        const value = args[argument];
        if (value === undefined || parameter.in === "path") continue;
        if (parameter.in === "query") url.searchParams.set(parameter.name, typeof value === "string" ? value : JSON.stringify(value));
        else headers[parameter.name.toLowerCase()] = String(value);
      }
      for (const credential of input.credentials) {
        if (credential.in === "query") url.searchParams.set(credential.name, credential.value);
        else if (credential.in === "cookie") headers.cookie = `${credential.name}=${credential.value}`;
        else headers[credential.name.toLowerCase()] = credential.value;
      }
      const payload = args.body === undefined ? undefined : JSON.stringify(args.body);
      if (payload !== undefined) Object.assign(headers, { "content-type": "application/json", "content-length": String(Buffer.byteLength(payload)) });
      // The same key when the same step re-runs, so the service can drop a repeated side effect.
      if (declaredEffect !== "read_only") headers["idempotency-key"] = ctx.idempotencyKey;
      let response;
      try {
        response = await guardedRequest({
          url: url.toString(),
          method,
          headers,
          ...(payload !== undefined ? { body: payload } : {}),
          maxBytes: 1024 * 1024,
          maxRedirects: method === "GET" ? 3 : 0,
          signal: ctx.signal,
          policy: input.policy,
        });
      } catch (error) {
        throw new Error(input.scrub(error instanceof Error ? error.message : String(error)));
      }
      const bodyText = input.scrub(response.body.toString("utf8"));
      if (response.status < 200 || response.status >= 300) throw new Error(`${method} ${path} answered HTTP ${response.status}${bodyText ? `: ${bodyText.slice(0, 500)}` : ""}`);
      return `HTTP ${response.status}\n${summarise(bodyText, config.maxResponseChars, response.truncated)}`;
    },
  };
}

/** A response body the model can read: JSON compacted, cut at `maxChars` with a note of what was left out. */
export function summarise(text: string, maxChars: number, truncated: boolean): string {
  let shown = text;
  try {
    const value: unknown = JSON.parse(text);
    if (Array.isArray(value)) {
      const items: string[] = [];
      let size = 2;
      for (const item of value) {
        const json = JSON.stringify(item);
        if (size + json.length + 1 > maxChars) break;
        items.push(json);
        size += json.length + 1;
      }
      if (items.length < value.length) return `[${items.join(",")}]\n[showing ${items.length} of ${value.length} items; ask for fewer (filters, paging)]`;
      shown = `[${items.join(",")}]`;
    } else shown = JSON.stringify(value);
  } catch {
    // Not JSON: the text as it came.
  }
  if (shown.length <= maxChars && !truncated) return shown;
  return `${shown.slice(0, maxChars)}\n[response cut at ${maxChars} characters${truncated ? " (the body was over 1 MiB)" : ""}; ask for less]`;
}
