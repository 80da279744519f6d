/** JSONB-style containment used by search filters: every key of `subset` matches in `value`. */

/** Whether `subset` is contained in `value` (objects recursively, other values by equality). */
export function matchesSubset(value: unknown, subset: Record<string, unknown>): boolean {
  if (value === null || typeof value !== "object") return Object.keys(subset).length === 0;
  const record = value as Record<string, unknown>;
  return Object.entries(subset).every(([key, expected]) => {
    const actual = record[key];
    if (expected !== null && typeof expected === "object" && !Array.isArray(expected)) return matchesSubset(actual, expected as Record<string, unknown>);
    return JSON.stringify(actual) === JSON.stringify(expected);
  });
}
