/**
 * The filters a project's auth handler returns, matched as the reference matches them:
 * `{ key: value }` and `{ key: { $eq: value } }` by equality, `{ key: { $contains: x | [x…] } }`
 * on arrays; every key must match.
 */

/** A handler's filter on metadata. */
export type AuthFilters = Record<string, unknown>;

/** Whether a resource's metadata passes the filters. */
export function matchesAuthFilters(metadata: unknown, filters: AuthFilters): boolean {
  const record = (metadata && typeof metadata === "object" ? metadata : {}) as Record<string, unknown>;
  return Object.entries(filters).every(([key, condition]) => {
    const actual = record[key];
    if (condition === null || typeof condition !== "object") return actual === condition;
    const { $eq, $contains } = condition as { $eq?: unknown; $contains?: unknown };
    if ($eq !== undefined) return actual === $eq;
    if ($contains !== undefined) {
      if (!Array.isArray(actual)) return false;
      return Array.isArray($contains) ? $contains.every((item) => actual.includes(item)) : actual.includes($contains);
    }
    return true;
  });
}

/** Splits filters into plain equalities (a search can apply them) and the rest (checked on each result). */
export function filterParts(filters: AuthFilters): { exact: Record<string, unknown>; rest: AuthFilters } {
  const exact: Record<string, unknown> = {};
  const rest: AuthFilters = {};
  for (const [key, condition] of Object.entries(filters)) {
    if (condition === null || typeof condition !== "object") exact[key] = condition;
    else if ((condition as { $eq?: unknown }).$eq !== undefined) exact[key] = (condition as { $eq: unknown }).$eq;
    else rest[key] = condition;
  }
  return { exact, rest };
}
