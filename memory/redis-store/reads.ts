/**
 * The RedisStore's read path. `get` reads Redis directly (one script per namespace); `search`
 * resolves the namespaces under a prefix from the registry, brings their mirrors up to date and
 * filters and ranks in process; `listNamespaces` reads the registry and keeps namespaces that
 * still hold live items.
 */
import type { GetOperation, Item, ListNamespacesOperation, MatchCondition, SearchItem, SearchOperation } from "@langchain/langgraph-checkpoint";
import { RedisScript } from "../../lib/redis-scripts.js";
import { decodeItem, normalizeQuery, parseValue } from "./codec.js";
import { embedQuery, type StoreContext } from "./context.js";
import { compileFilter } from "./filter.js";
import { joinNamespace, scriptKeys, splitNamespace } from "./keys.js";
import { COUNT_SCRIPT, GET_SCRIPT } from "./lua.js";
import type { MirrorItem, NamespaceMirror } from "./mirror.js";
import { listInOrder, rankByVector, type RankedItem } from "./ranking.js";

const GET = new RedisScript("get", GET_SCRIPT);
const COUNT = new RedisScript("count", COUNT_SCRIPT);

function groupByNamespace<T extends { namespace: string[] }>(entries: readonly { op: T; at: number }[]) {
  const groups = new Map<string, { namespace: string[]; entries: { op: T; at: number }[] }>();
  for (const entry of entries) {
    const id = joinNamespace(entry.op.namespace);
    const group = groups.get(id) ?? { namespace: entry.op.namespace, entries: [] };
    group.entries.push(entry);
    groups.set(id, group);
  }
  return [...groups.values()];
}

/** Reads items by key, one script call per namespace; results land at each op's position. */
export async function readItems(context: StoreContext, gets: readonly { op: GetOperation; at: number }[], results: unknown[]): Promise<void> {
  await Promise.all(
    groupByNamespace(gets).map(async ({ namespace, entries }) => {
      const keys = scriptKeys(context.keys.namespace(namespace));
      const refresh = context.ttl.refreshOnRead ? "1" : "0";
      const reply = (await context.commands.run(GET, keys, [String(Date.now()), refresh, ...entries.map(({ op }) => op.key)])) as (Buffer | null)[];
      entries.forEach(({ op, at }, i) => {
        const raw = reply[i];
        results[at] = raw ? toItem(namespace, op.key, raw.toString("utf8")) : null;
      });
    }),
  );
}

function toItem(namespace: string[], key: string, raw: string): Item {
  const where = `${joinNamespace(namespace)}/${key}`;
  const stored = decodeItem(raw, where);
  return {
    namespace: [...namespace],
    key,
    value: parseValue(stored.json, where),
    createdAt: new Date(stored.createdAt),
    updatedAt: new Date(stored.updatedAt),
  };
}

/** The registered namespaces equal to or under a prefix, in registry (lexical) order. */
export async function namespacesUnder(context: StoreContext, prefix: readonly string[]): Promise<string[][]> {
  if (prefix.length === 0) return (await context.commands.registered(context.keys.registry, "-", "+")).map(splitNamespace);
  const joined = joinNamespace(prefix);
  // "/" follows "." in byte order: the range covers `joined` and every `joined.<more>`.
  const members = await context.commands.registered(context.keys.registry, `[${joined}`, `(${joined}/`);
  return members.filter((member) => member === joined || member.startsWith(`${joined}.`)).map(splitNamespace);
}

/** Runs a search operation. */
export async function searchItems(context: StoreContext, op: SearchOperation): Promise<SearchItem[]> {
  const accept = compileFilter(op.filter);
  const limit = op.limit ?? 10;
  const offset = op.offset ?? 0;
  const queryVector = op.query && context.index ? normalizeQuery(await embedQuery(context.index, op.query, "RedisStore.search")) : undefined;
  const mirrors = await context.mirrors.synced(await namespacesUnder(context, op.namespacePrefix));
  const predicate = accept ? (mirror: NamespaceMirror, item: MirrorItem) => accept(mirror.value(item)) : undefined;
  const ranked = queryVector ? rankByVector(mirrors, queryVector, predicate, offset, limit) : listInOrder(mirrors, predicate, offset, limit);
  await refreshRead(context, ranked);
  return ranked.map(({ mirror, item, score }) => ({
    namespace: [...mirror.namespace],
    key: item.key,
    value: JSON.parse(item.json) as Record<string, unknown>,
    createdAt: new Date(item.createdAt),
    updatedAt: new Date(item.updatedAt),
    score,
  }));
}

// Restarts the TTL of returned items that have one (nothing to do, and no round trip, otherwise).
async function refreshRead(context: StoreContext, ranked: readonly RankedItem[]): Promise<void> {
  if (!context.ttl.refreshOnRead) return;
  const byMirror = new Map<NamespaceMirror, string[]>();
  for (const { mirror, item } of ranked) {
    if (item.ttlMs === undefined) continue;
    byMirror.set(mirror, [...(byMirror.get(mirror) ?? []), item.key]);
  }
  await Promise.all(
    [...byMirror.entries()].map(([mirror, keys]) =>
      context.commands.run(GET, scriptKeys(context.keys.namespace(mirror.namespace)), [String(Date.now()), "1", ...keys]),
    ),
  );
}

function matches(condition: MatchCondition, namespace: readonly string[]): boolean {
  const { path } = condition;
  if (path.length > namespace.length) return false;
  const start = condition.matchType === "prefix" ? 0 : namespace.length - path.length;
  return path.every((label, i) => label === "*" || namespace[start + i] === label);
}

/** Lists namespaces that hold live items, matching every condition, sorted, truncated, paginated. */
export async function listNamespaces(context: StoreContext, op: ListNamespacesOperation): Promise<string[][]> {
  const prefixCondition = op.matchConditions?.find((condition) => condition.matchType === "prefix");
  const wildcard = prefixCondition ? prefixCondition.path.indexOf("*") : -1;
  const literal = prefixCondition ? prefixCondition.path.slice(0, wildcard === -1 ? undefined : wildcard) : [];
  const candidates = (await namespacesUnder(context, literal)).filter((namespace) =>
    (op.matchConditions ?? []).every((condition) => matches(condition, namespace)),
  );
  const now = String(Date.now());
  const counts = await Promise.all(
    candidates.map((namespace) => context.commands.run(COUNT, scriptKeys(context.keys.namespace(namespace)), [now])),
  );
  let namespaces = candidates.filter((_, i) => Number(counts[i]) > 0);
  if (op.maxDepth !== undefined) {
    const seen = new Map<string, string[]>();
    for (const namespace of namespaces) {
      const truncated = namespace.slice(0, op.maxDepth);
      seen.set(truncated.join("\u0000"), truncated);
    }
    namespaces = [...seen.values()];
  }
  // The same order as InMemoryStore, so callers see one behaviour whichever store runs.
  namespaces.sort((a, b) => a.join(":").localeCompare(b.join(":")));
  const offset = op.offset ?? 0;
  return namespaces.slice(offset, offset + (op.limit ?? namespaces.length));
}
