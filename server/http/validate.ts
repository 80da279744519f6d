/**
 * Request parsing with zod: every body, query and path parameter goes through one of these, so
 * bad input always becomes a 422 (or 400 for unparsable JSON) naming the field, never a 500.
 */
import type { Context } from "hono";
import { z } from "zod";
import { InvalidInputError, NotFoundError } from "../../lib/errors.js";
import { jsonObject, uuidString } from "./schemas.js";

/**
 * How deep a request body may nest. Documents are serialised and matched recursively further
 * in (JSON.stringify, filters, checkpoints), so a 10,000-deep body would overflow the stack
 * there; one limit here keeps every route safe.
 */
export const MAX_BODY_DEPTH = 100;

function toIssues(error: z.ZodError, where: string): { path: string; message: string }[] {
  return error.issues.slice(0, 10).map((issue) => ({ path: [where, ...issue.path.map(String)].join("."), message: issue.message }));
}

function fail(error: z.ZodError, where: string): never {
  const issues = toIssues(error, where);
  throw new InvalidInputError(`Invalid ${where}: ${issues.map((issue) => `${issue.path} ${issue.message}`).join("; ")}.`, { issues });
}

/** Parses the JSON body (empty body = `{}`) with `schema`. */
export async function readBody<T extends z.ZodType>(c: Context, schema: T): Promise<z.infer<T>> {
  const text = await c.req.text();
  let parsed: unknown = {};
  if (text.trim() !== "") {
    try {
      parsed = JSON.parse(text);
    } catch {
      const error = new InvalidInputError("The request body is not valid JSON.");
      (error as { status: number }).status = 400;
      throw error;
    }
  }
  const depth = jsonDepth(parsed, MAX_BODY_DEPTH);
  if (depth > MAX_BODY_DEPTH) {
    throw new InvalidInputError(`The request body nests deeper than ${MAX_BODY_DEPTH} levels; flatten it.`, { issues: [{ path: "body", message: `nested deeper than ${MAX_BODY_DEPTH} levels` }] });
  }
  const result = schema.safeParse(parsed);
  if (!result.success) fail(result.error, "body");
  return result.data;
}

/** The nesting depth of a parsed JSON value, counted without recursion and stopping past `limit`. */
export function jsonDepth(value: unknown, limit = Infinity): number {
  let deepest = 0;
  const pending: [unknown, number][] = [[value, 0]];
  while (pending.length > 0) {
    const [current, depth] = pending.pop()!;
    if (current === null || typeof current !== "object") continue;
    const level = depth + 1;
    if (level > deepest) deepest = level;
    if (deepest > limit) return deepest;
    for (const child of Array.isArray(current) ? current : Object.values(current)) if (child !== null && typeof child === "object") pending.push([child, level]);
  }
  return deepest;
}

/** Parses the query string with `schema`. */
export function readQuery<T extends z.ZodType>(c: Context, schema: T): z.infer<T> {
  const result = schema.safeParse(c.req.query());
  if (!result.success) fail(result.error, "query");
  return result.data;
}

/** A path parameter that must be a UUID; an invalid one is a 422 naming it. */
export function uuidParam(c: Context, name: string): string {
  const value = c.req.param(name) ?? "";
  if (!uuidString.safeParse(value).success) throw new InvalidInputError(`Invalid path parameter ${name}: '${value.slice(0, 64)}' is not a UUID.`, { issues: [{ path: `path.${name}`, message: "must be a UUID" }] });
  return value.toLowerCase();
}

/** Whether a string is a UUID. */
export function isUuid(value: string): boolean {
  return uuidString.safeParse(value).success;
}

/** NotFoundError helper for "not yours or not there". */
export function notFound(resource: string, id: string): NotFoundError {
  return new NotFoundError(resource, id);
}

/** A JSON object (record) schema (declared with the API's shared schemas). */
export { jsonObject };

/** Query booleans: "true"/"false"/"1"/"0". */
export const queryBoolean = z
  .enum(["true", "false", "1", "0", "True", "False"])
  .transform((value) => value === "true" || value === "1" || value === "True");

/** Limit/offset in bodies. */
export const paging = { limit: z.number().int().min(1).max(1000).optional(), offset: z.number().int().min(0).optional() };
