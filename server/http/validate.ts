/**
 * Request parsing with zod: every body, query and path parameter goes through one of these, so
 * bad input always becomes a 422 (or 400 for unparsable JSON) naming the field, never a 500.
 */
import type { Context } from "hono";
import { z } from "zod";
import { InvalidInputError, NotFoundError } from "../../lib/errors.js";

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
  const result = schema.safeParse(parsed);
  if (!result.success) fail(result.error, "body");
  return result.data;
}

/** Parses the query string with `schema`. */
export function readQuery<T extends z.ZodType>(c: Context, schema: T): z.infer<T> {
  const result = schema.safeParse(c.req.query());
  if (!result.success) fail(result.error, "query");
  return result.data;
}

const uuid = z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i);

/** A path parameter that must be a UUID; an invalid one is a 422 naming it. */
export function uuidParam(c: Context, name: string): string {
  const value = c.req.param(name) ?? "";
  if (!uuid.safeParse(value).success) throw new InvalidInputError(`Invalid path parameter ${name}: '${value.slice(0, 64)}' is not a UUID.`, { issues: [{ path: `path.${name}`, message: "must be a UUID" }] });
  return value.toLowerCase();
}

/** Whether a string is a UUID. */
export function isUuid(value: string): boolean {
  return uuid.safeParse(value).success;
}

/** NotFoundError helper for "not yours or not there". */
export function notFound(resource: string, id: string): NotFoundError {
  return new NotFoundError(resource, id);
}

/** A JSON object (record) schema. */
export const jsonObject = z.record(z.string(), z.unknown());

/** Query booleans: "true"/"false"/"1"/"0". */
export const queryBoolean = z
  .enum(["true", "false", "1", "0", "True", "False"])
  .transform((value) => value === "true" || value === "1" || value === "True");

/** Limit/offset in bodies. */
export const paging = { limit: z.number().int().min(1).max(1000).optional(), offset: z.number().int().min(0).optional() };
