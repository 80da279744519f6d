/**
 * The RedisStore's key layout, built here and nowhere else.
 *
 * Every key of one namespace carries the same hash tag, `{<nsid>}`, so a namespace lives in one
 * cluster slot and each write or read of a namespace is one atomic script on one node. `nsid` is a
 * hash of the namespace (labels may contain `{` or `}`, which would break a literal hash tag).
 *
 *   <p>store:{<nsid>}:meta    HASH  ns (the namespace, labels joined by "."), epoch, ver, floor
 *   <p>store:{<nsid>}:items   HASH  item key -> "<createdAt>:<seq>:<updatedAt>:<ttlMs>:" + value JSON
 *   <p>store:{<nsid>}:vec     HASH  item key -> its embeddings: normalised Float32 vectors, concatenated
 *   <p>store:{<nsid>}:chg     ZSET  live item key -> version of its last write (drives mirror sync)
 *   <p>store:{<nsid>}:dead    ZSET  deleted item key -> version of its deletion (bounded tombstones)
 *   <p>store:{<nsid>}:exp     ZSET  item key -> expiry time in ms, for items written with a TTL
 *   <p>store:namespaces       ZSET  every namespace ever written (score 0, member = labels joined
 *                                   by "."), read with ZRANGEBYLEX for prefix listing: no KEYS/SCAN
 *   <p>store:{<nsid>}:vec:g<n> HASH  the same for vector generation n > 0 (made by a re-embedding)
 *   <p>store:index            HASH  the embedding index the vectors were made with: dims, embedder,
 *                                   gen (the generation searched); next_dims, next_embedder, next_gen
 *                                   while a re-embedding builds the next generation
 *   <p>store:reembed          HASH  namespace -> version up to which the next generation is built
 *
 * `ver` grows by one per item write or deletion; `epoch` is new each time the namespace is created
 * (again), so a process-local mirror can tell "same data" from "recreated with the same version".
 */
import { createHash } from "node:crypto";

/** Separator of namespace labels in stored strings; `validateNamespace` forbids it inside labels. */
export const LABEL_SEPARATOR = ".";

/** The keys of one namespace, in the order every script expects them. */
export interface NamespaceKeys {
  meta: string;
  items: string;
  vec: string;
  chg: string;
  dead: string;
  exp: string;
}

/** Joins a namespace into the string stored in `meta.ns` and in the registry. */
export function joinNamespace(namespace: readonly string[]): string {
  return namespace.join(LABEL_SEPARATOR);
}

/** Splits a stored namespace string back into labels. */
export function splitNamespace(joined: string): string[] {
  return joined.split(LABEL_SEPARATOR);
}

/** Key builders for one store prefix (e.g. `sb:`). */
export class StoreKeys {
  /** The registry of namespaces. */
  readonly registry: string;
  /** The embedding-index fingerprint. */
  readonly index: string;
  /** Progress of a re-embedding. */
  readonly reembed: string;
  /**
   * The vector generation this process reads and writes; set by `setup()` from the index. A
   * re-embedding builds generation n+1 beside it and then moves the index's pointer.
   */
  generation = 0;

  constructor(readonly prefix: string) {
    this.registry = `${prefix}store:namespaces`;
    this.index = `${prefix}store:index`;
    this.reembed = `${prefix}store:reembed`;
  }

  /** The vectors hash of a namespace for one generation (0 keeps the original key name). */
  vectors(namespace: readonly string[], generation: number): string {
    const base = this.namespace(namespace).meta.slice(0, -"meta".length);
    return generation === 0 ? `${base}vec` : `${base}vec:g${generation}`;
  }

  /** The keys of a namespace, all in the namespace's slot. */
  namespace(namespace: readonly string[]): NamespaceKeys {
    const id = createHash("sha256").update(joinNamespace(namespace)).digest("hex").slice(0, 24);
    const base = `${this.prefix}store:{${id}}:`;
    return {
      meta: `${base}meta`,
      items: `${base}items`,
      vec: this.generation === 0 ? `${base}vec` : `${base}vec:g${this.generation}`,
      chg: `${base}chg`,
      dead: `${base}dead`,
      exp: `${base}exp`,
    };
  }
}

/** The namespace keys as the KEYS array of a script call. */
export function scriptKeys(keys: NamespaceKeys): string[] {
  return [keys.meta, keys.items, keys.vec, keys.chg, keys.dead, keys.exp];
}
