/**
 * Owner isolation for long-term memory. Every memory of an owner (user or tenant id) lives under
 * `["owners", <owner label>, ...]`; `OwnerScopedStore` confines any BaseStore to one owner's
 * subtree, so no query, filter or namespace listing made through it can reach another owner.
 * Shared, ownerless memory (skills from `skills/`) lives under `["shared", ...]`.
 */
import {
  BaseStore,
  type Item,
  type ListNamespacesOperation,
  type MatchCondition,
  type Operation,
  type OperationResults,
  type SearchItem,
} from "@langchain/langgraph-checkpoint";
import { InvalidInputError } from "../lib/errors.js";

/** The owner used when a run names none (the tools layer's `configurable.user_id` default). */
export const DEFAULT_OWNER = "default";
/** Root label of owner-scoped memory. */
export const OWNERS_ROOT = "owners";
/** Root label of memory every owner may read. */
export const SHARED_ROOT = "shared";

/**
 * A namespace label for an owner id. Any id is accepted (emails, tenant ids with dots or colons);
 * it is percent-encoded so it is a valid, injective label.
 */
export function ownerLabel(owner: string): string {
  if (typeof owner !== "string" || owner.trim() === "" || owner.length > 256) {
    throw new InvalidInputError("An owner id must be a non-empty string of at most 256 characters.");
  }
  // "." separates labels and "*" is a wildcard in namespace listings: both must never appear raw.
  return encodeURIComponent(owner).replace(/\./g, "%2E").replace(/\*/g, "%2A");
}

/** The namespace of an owner's memory of one kind, e.g. `ownerNamespace("ada", "episodes")`. */
export function ownerNamespace(owner: string, ...rest: string[]): string[] {
  return [OWNERS_ROOT, ownerLabel(owner), ...rest];
}

/** A BaseStore confined to one owner: namespaces are relative to the owner's root. */
export class OwnerScopedStore extends BaseStore {
  private readonly root: string[];

  constructor(
    private readonly inner: BaseStore,
    readonly owner: string,
  ) {
    super();
    this.root = ownerNamespace(owner);
  }

  private within(namespace: readonly string[]): string[] {
    return [...this.root, ...namespace];
  }

  private strip<T extends Item | SearchItem>(item: T): T {
    return { ...item, namespace: item.namespace.slice(this.root.length) };
  }

  /** Runs operations inside the owner's subtree; results are relative to it. */
  async batch<Op extends Operation[]>(operations: Op): Promise<OperationResults<Op>> {
    const scoped = operations.map((op): Operation => {
      if ("namespacePrefix" in op) return { ...op, namespacePrefix: this.within(op.namespacePrefix) };
      if ("namespace" in op) {
        if ("value" in op && op.namespace.length === 0) throw new InvalidInputError("Namespace cannot be empty.");
        return { ...op, namespace: this.within(op.namespace) };
      }
      return this.scopeListing(op);
    });
    const results = (await this.inner.batch(scoped)) as unknown[];
    return operations.map((op, i) => {
      const result = results[i];
      if ("namespacePrefix" in op) return (result as SearchItem[]).map((item) => this.strip(item));
      if ("namespace" in op) return result ? this.strip(result as Item) : result;
      return (result as string[][]).map((namespace) => namespace.slice(this.root.length)).filter((namespace) => namespace.length > 0);
    }) as OperationResults<Op>;
  }

  private scopeListing(op: ListNamespacesOperation): ListNamespacesOperation {
    const conditions: MatchCondition[] = (op.matchConditions ?? []).map((condition) =>
      condition.matchType === "prefix" ? { ...condition, path: this.within(condition.path) } : condition,
    );
    if (!conditions.some((condition) => condition.matchType === "prefix")) conditions.push({ matchType: "prefix", path: [...this.root] });
    return { ...op, matchConditions: conditions, ...(op.maxDepth === undefined ? {} : { maxDepth: op.maxDepth + this.root.length }) };
  }
}
