/**
 * RedisSaver.list: newest first per thread and namespace, paging through the sorted-set
 * index so `limit` and `before` never read more than they return (plus one page when a
 * metadata `filter` has to look at candidates).
 */
import { isDeepStrictEqual } from "node:util";
import type { RunnableConfig } from "@langchain/core/runnables";
import type { CheckpointListOptions, CheckpointMetadata, CheckpointTuple, SerializerProtocol } from "@langchain/langgraph-checkpoint";
import type { RedisConnection } from "../../lib/redis.js";
import { load, unpackTyped } from "./codec.js";
import { SEP, assertStorableId, type SaverKeys } from "./keys.js";

const PAGE_SIZE = 100;

/** What list() needs from the saver. */
export interface ListDeps {
  redis: RedisConnection;
  keys: SaverKeys;
  serde: SerializerProtocol;
  load(threadId: string, ns: string, ids: string[]): Promise<(CheckpointTuple | undefined)[]>;
  wrap(operation: string, threadId: string | undefined, error: unknown): Error;
}

/** Lists checkpoints matching config and options, newest first within each thread and namespace. */
export async function* listTuples(deps: ListDeps, config: RunnableConfig, options: CheckpointListOptions): AsyncGenerator<CheckpointTuple> {
  let remaining = options.limit ?? Number.POSITIVE_INFINITY;
  if (remaining <= 0) return;
  const configurable = config.configurable ?? {};
  const beforeId = options.before?.configurable?.checkpoint_id as string | undefined;
  const onlyId = configurable.checkpoint_id as string | undefined;
  const filter = options.filter && Object.keys(options.filter).length > 0 ? options.filter : undefined;
  let threads: string[];
  try {
    threads =
      configurable.thread_id !== undefined && configurable.thread_id !== null
        ? [assertStorableId("thread_id", configurable.thread_id)]
        : Array.from(await deps.redis.sMembers(deps.keys.threads()), String).sort();
  } catch (error) {
    throw deps.wrap("list", undefined, error);
  }
  for (const thread of threads) {
    const keys = deps.keys.thread(thread);
    let namespaces: string[];
    try {
      namespaces =
        configurable.checkpoint_ns !== undefined
          ? [assertStorableId("checkpoint_ns", configurable.checkpoint_ns, { allowEmpty: true })]
          : Array.from(await deps.redis.sMembers(keys[2]!), String).sort();
    } catch (error) {
      throw deps.wrap("list", thread, error);
    }
    for (const ns of namespaces) {
      for await (const tuple of listNamespace(deps, thread, ns, keys, { beforeId, onlyId, filter, remaining })) {
        yield tuple;
        remaining -= 1;
        if (remaining <= 0) return;
      }
    }
  }
}

interface NamespaceQuery {
  beforeId: string | undefined;
  onlyId: string | undefined;
  filter: Record<string, unknown> | undefined;
  remaining: number;
}

async function* listNamespace(deps: ListDeps, thread: string, ns: string, keys: string[], query: NamespaceQuery): AsyncGenerator<CheckpointTuple> {
  let max = query.beforeId ? `(${ns}${SEP}${query.beforeId}` : `(${ns}\u0001`;
  let wanted = query.remaining;
  for (;;) {
    let ids: string[];
    let tuples: (CheckpointTuple | undefined)[];
    const pageSize = query.filter ? PAGE_SIZE : Math.min(PAGE_SIZE, wanted);
    try {
      if (query.onlyId !== undefined) {
        ids = query.beforeId === undefined || query.onlyId < query.beforeId ? [query.onlyId] : [];
      } else {
        const page = await deps.redis.zRange(keys[1]!, max, `[${ns}${SEP}`, { BY: "LEX", REV: true, LIMIT: { offset: 0, count: pageSize } });
        ids = page.map((member) => String(member).slice(ns.length + 1));
      }
      const matching = query.filter ? await filterByMetadata(deps, keys, ns, ids, query.filter) : ids;
      tuples = matching.length ? await deps.load(thread, ns, matching) : [];
    } catch (error) {
      throw deps.wrap("list", thread, error);
    }
    for (const tuple of tuples) {
      if (!tuple) continue;
      yield tuple;
      wanted -= 1;
      if (wanted <= 0) return;
    }
    if (query.onlyId !== undefined || ids.length < pageSize) return;
    max = `(${ns}${SEP}${ids[ids.length - 1]}`;
  }
}

async function filterByMetadata(deps: ListDeps, keys: string[], ns: string, ids: string[], filter: Record<string, unknown>): Promise<string[]> {
  if (ids.length === 0) return [];
  const fields = ids.map((id) => `${ns}${SEP}${id}${SEP}m`);
  const raw = (await deps.redis.hmGet(keys[0]!, fields)) as unknown as (Buffer | null)[];
  const kept: string[] = [];
  for (let index = 0; index < ids.length; index += 1) {
    const stored = raw[index];
    if (!stored) continue;
    const where = `${keys[0]} field ${JSON.stringify(fields[index])}`;
    const metadata = (await load(deps.serde, unpackTyped(stored, 0, where), where)) as CheckpointMetadata;
    if (Object.entries(filter).every(([key, value]) => isDeepStrictEqual((metadata as Record<string, unknown>)[key], value))) {
      kept.push(ids[index]!);
    }
  }
  return kept;
}
