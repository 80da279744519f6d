/**
 * Search filters, evaluated in process against item values: `{ field: value }` for equality and
 * `{ field: { $eq | $ne | $gt | $gte | $lt | $lte | $in | $nin | $exists: ... } }`. Fields are
 * top-level keys or dotted paths (`meta.kind`). Equality is deep, so arrays and objects compare by
 * content. An unknown `$` operator is the caller's mistake and is reported, not ignored.
 */
import { isDeepStrictEqual } from "node:util";
import { InvalidInputError } from "../../lib/errors.js";

const OPERATORS = new Set(["$eq", "$ne", "$gt", "$gte", "$lt", "$lte", "$in", "$nin", "$exists"]);

/** A compiled filter: a predicate over item values. */
export type ValuePredicate = (value: Record<string, unknown>) => boolean;

function fieldValue(value: Record<string, unknown>, field: string): unknown {
  if (field in value) return value[field];
  let current: unknown = value;
  for (const part of field.split(".")) {
    if (current === null || typeof current !== "object") return undefined;
    current = (current as Record<string, unknown>)[part];
  }
  return current;
}

function isOperatorObject(expected: unknown): expected is Record<string, unknown> {
  return expected !== null && typeof expected === "object" && !Array.isArray(expected) && Object.keys(expected).some((key) => key.startsWith("$"));
}

function compare(actual: unknown, operator: string, operand: unknown): boolean {
  switch (operator) {
    case "$eq":
      return isDeepStrictEqual(actual, operand);
    case "$ne":
      return !isDeepStrictEqual(actual, operand);
    case "$gt":
      return actual != null && Number(actual) > Number(operand);
    case "$gte":
      return actual != null && Number(actual) >= Number(operand);
    case "$lt":
      return actual != null && Number(actual) < Number(operand);
    case "$lte":
      return actual != null && Number(actual) <= Number(operand);
    case "$in":
      return (operand as unknown[]).some((candidate) => isDeepStrictEqual(actual, candidate));
    case "$nin":
      return !(operand as unknown[]).some((candidate) => isDeepStrictEqual(actual, candidate));
    default: // $exists
      return (actual !== undefined) === Boolean(operand);
  }
}

/** Checks a filter and turns it into a predicate; throws InvalidInputError on a malformed one. */
export function compileFilter(filter: Record<string, unknown> | undefined): ValuePredicate | undefined {
  if (filter === undefined || filter === null) return undefined;
  if (typeof filter !== "object" || Array.isArray(filter)) {
    throw new InvalidInputError("A search filter must be an object of field: value pairs.");
  }
  const checks: ValuePredicate[] = Object.entries(filter).map(([field, expected]) => {
    if (!isOperatorObject(expected)) return (value) => isDeepStrictEqual(fieldValue(value, field), expected);
    const conditions = Object.entries(expected);
    for (const [operator, operand] of conditions) {
      if (!OPERATORS.has(operator)) {
        throw new InvalidInputError(`Unknown filter operator '${operator}' on '${field}'; use one of ${[...OPERATORS].join(", ")}.`);
      }
      if ((operator === "$in" || operator === "$nin") && !Array.isArray(operand)) {
        throw new InvalidInputError(`Filter operator ${operator} on '${field}' needs an array.`);
      }
    }
    return (value) => conditions.every(([operator, operand]) => compare(fieldValue(value, field), operator, operand));
  });
  return (value) => checks.every((check) => check(value));
}
