/**
 * RedisStore: LangGraph's `BaseStore` on plain Redis (6.2+, Valkey, Redis Cluster; no modules).
 * Items, vectors and versions live in Redis (layout: keys.ts); vector search runs exactly over a
 * process-local mirror of each searched namespace, kept coherent by one version check per search.
 */
import {
  BaseStore,
  validateNamespace,
  type GetOperation,
  type ListNamespacesOperation,
  type Operation,
  type OperationResults,
  type SearchOperation,
} from "@langchain/langgraph-checkpoint";
import { ConfigError } from "../../lib/errors.js";
import { silentLogger, type Logger } from "../../lib/logger.js";
import { connectRedis, type RedisConnection } from "../../lib/redis.js";
import { StoreCommands } from "./commands.js";
import { resolveIndex, ttlToMs, type StoreContext, type StoreIndexConfig, type StoreTtlConfig, type TextEmbedder } from "./context.js";
import { StoreKeys } from "./keys.js";
import { MirrorCache } from "./mirror-cache.js";
import { listNamespaces, readItems, searchItems } from "./reads.js";
import { writeBatch, type TtlPutOperation } from "./writes.js";

/** How a RedisStore is set up; `index` and `ttl` as in the official Redis store. */
export interface RedisStoreConfig {
  /** Vector index: `{ dims, embeddings, fields }`. Without it, `query` is ignored as in InMemoryStore. */
  index?: StoreIndexConfig;
  /** TTL policy in minutes. */
  ttl?: StoreTtlConfig;
  /** Prefix of every key (default `sb:`), so deployments and tests can share one Redis. */
  keyPrefix?: string;
  /** Most items mirrored in this process across namespaces before old mirrors are dropped. */
  maxMirroredItems?: number;
  /** Where warnings go. */
  logger?: Logger;
  /**
   * Follow a re-embedding: when the index's pointer moves to another vector generation, build
   * that generation's embedder (undefined: cannot, keep the current one) and switch to it.
   */
  followIndex?: {
    embedderFor(recorded: { dims: number; embedder: string }): TextEmbedder | undefined;
    /** How often the pointer is read, at most (default 5 s). */
    checkEveryMs?: number;
  };
}

/** Options of `RedisStore.put` beyond BaseStore's `index`. */
export interface RedisPutOptions {
  /** Field paths to embed, or false for none. */
  index?: false | string[];
  /** TTL in minutes; `null` keeps the item forever even when a default TTL is set. */
  ttl?: number | null;
}

/** A LangGraph store on plain Redis with exact, fast vector search. */
export class RedisStore extends BaseStore {
  private context: StoreContext;
  private ownedConnection: RedisConnection | undefined;
  private readonly follow: RedisStoreConfig["followIndex"];
  private readonly maxMirroredItems: number;
  private nextIndexCheck = 0;
  private unfollowable = "";

  constructor(
    readonly connection: RedisConnection,
    config: RedisStoreConfig = {},
  ) {
    super();
    const index = resolveIndex(config.index);
    const keys = new StoreKeys(config.keyPrefix ?? "sb:");
    const commands = new StoreCommands(connection);
    this.follow = config.followIndex;
    this.maxMirroredItems = config.maxMirroredItems ?? 250_000;
    this.context = {
      commands,
      keys,
      index,
      mirrors: new MirrorCache(commands, keys, index?.dims ?? 0, this.maxMirroredItems),
      ttl: {
        defaultMs: config.ttl?.defaultTTL === undefined ? undefined : ttlToMs(config.ttl.defaultTTL, "ttl.defaultTTL"),
        refreshOnRead: config.ttl?.refreshOnRead ?? true,
      },
      logger: config.logger ?? silentLogger(),
    };
  }

  /** Connects to a single node (or proxy) by URL, runs `setup()`, and owns the connection. */
  static async fromConnString(url: string, config: RedisStoreConfig = {}): Promise<RedisStore> {
    const connection = await connectRedis({ url, name: "switchboard-store", ...(config.logger ? { logger: config.logger } : {}) });
    return RedisStore.owning(connection, config);
  }

  /** Connects to a Redis Cluster from its seed nodes, runs `setup()`, and owns the connection. */
  static async fromCluster(rootNodes: ReadonlyArray<{ url: string } | string>, config: RedisStoreConfig = {}): Promise<RedisStore> {
    const clusterNodes = rootNodes.map((node) => (typeof node === "string" ? node : node.url).replace(/^rediss?:\/\//, ""));
    const connection = await connectRedis({ clusterNodes, name: "switchboard-store", ...(config.logger ? { logger: config.logger } : {}) });
    return RedisStore.owning(connection, config);
  }

  private static async owning(connection: RedisConnection, config: RedisStoreConfig): Promise<RedisStore> {
    const store = new RedisStore(connection, config);
    store.ownedConnection = connection;
    try {
      await store.setup();
    } catch (error) {
      await store.end();
      throw error;
    }
    return store;
  }

  /**
   * Records the embedding index the vectors are made with, or checks it against the one recorded:
   * vectors of another size cannot be searched together. Idempotent; needs no Redis module.
   */
  async setup(): Promise<void> {
    const index = this.context.index;
    if (!index) return;
    const embedder = describeEmbedder(index.embeddings);
    const recorded = await this.context.commands.readHash(this.context.keys.index);
    if (!recorded.dims) {
      await this.context.commands.writeHash(this.context.keys.index, { dims: String(index.dims), embedder, gen: "0" });
      return;
    }
    if (recorded.dims !== String(index.dims)) {
      const moving = recorded.next_dims === String(index.dims) && recorded.next_embedder === embedder;
      throw new ConfigError(
        moving
          ? `The store under prefix '${this.context.keys.prefix}' is being re-embedded to ${embedder} (npm run ingest -- --reembed); until that finishes it answers with ${recorded.embedder}: start this process with that model, or after the move.`
          : `The store under prefix '${this.context.keys.prefix}' holds ${recorded.dims}-dim vectors (${recorded.embedder}); the configured index makes ${index.dims}-dim ones (${embedder}). Run \`npm run ingest -- --reembed\` with the new model to move the vectors, or use the embedding model the data was indexed with.`,
        { setting: "OPENAI_EMBEDDINGS_MODEL" },
      );
    }
    // Read the generation the index points at; a process keeps it for its life, so a re-embedding
    // finishing meanwhile does not hand it vectors its model cannot query.
    this.context.keys.generation = Number(recorded.gen ?? 0);
    if (recorded.embedder !== embedder) {
      this.context.logger.warn({ recorded: recorded.embedder, configured: embedder }, "store vectors were made by another embedding model; run npm run ingest -- --reembed to move them");
    }
  }

  /** Runs operations; as in InMemoryStore, reads see the state before this batch's writes. */
  async batch<Op extends Operation[]>(operations: Op): Promise<OperationResults<Op>> {
    if (this.follow && this.context.index && Date.now() >= this.nextIndexCheck) await this.followIndexPointer();
    const context = this.context;
    const results: unknown[] = new Array(operations.length).fill(null);
    const gets: { op: GetOperation; at: number }[] = [];
    const reads: Promise<void>[] = [];
    const writes: TtlPutOperation[] = [];
    operations.forEach((op, at) => {
      if ("value" in op) {
        validateNamespace(op.namespace, { allowReservedRoot: true });
        writes.push(op as TtlPutOperation);
      } else if ("namespacePrefix" in op) {
        validateNamespace(op.namespacePrefix, { allowEmpty: true, allowReservedRoot: true });
        reads.push(searchItems(context, op as SearchOperation).then((found) => void (results[at] = found)));
      } else if ("key" in op) {
        validateNamespace(op.namespace, { allowEmpty: true, allowReservedRoot: true });
        gets.push({ op, at });
      } else {
        reads.push(listNamespaces(context, op as ListNamespacesOperation).then((found) => void (results[at] = found)));
      }
    });
    if (gets.length > 0) reads.push(readItems(context, gets, results));
    await Promise.all(reads);
    await writeBatch(context, writes);
    return results as OperationResults<Op>;
  }

  // Reads the index pointer; when a re-embedding has moved it, switches embedder, dims, vector
  // generation and mirrors together, before this batch runs.
  private async followIndexPointer(): Promise<void> {
    this.nextIndexCheck = Date.now() + (this.follow!.checkEveryMs ?? 5_000);
    const recorded = await this.context.commands.readHash(this.context.keys.index);
    const generation = Number(recorded.gen ?? 0);
    if (!recorded.dims || !recorded.embedder || generation === this.context.keys.generation) return;
    const embedder = this.follow!.embedderFor({ dims: Number(recorded.dims), embedder: recorded.embedder });
    if (!embedder) {
      if (this.unfollowable !== recorded.embedder) this.context.logger.warn({ embedder: recorded.embedder }, "the store was re-embedded with a model this process cannot build; it keeps searching the previous vectors until restarted with the new settings");
      this.unfollowable = recorded.embedder;
      return;
    }
    const dims = Number(recorded.dims);
    const keys = new StoreKeys(this.context.keys.prefix);
    keys.generation = generation;
    const previous = this.context;
    // A new context, not a changed one: operations in flight finish on the one they started with.
    this.context = { ...previous, keys, index: { dims, embeddings: embedder, fields: previous.index!.fields }, mirrors: new MirrorCache(previous.commands, keys, dims, this.maxMirroredItems) };
    this.context.logger.info({ embedder: recorded.embedder, dims, generation }, "store switched to re-embedded vectors");
  }

  /** Stores an item; the fourth argument is BaseStore's `index` or `{ index, ttl }`. */
  override async put(namespace: string[], key: string, value: Record<string, unknown>, options?: false | string[] | RedisPutOptions): Promise<void> {
    validateNamespace(namespace);
    const { index, ttl } = options === undefined || options === false || Array.isArray(options) ? { index: options, ttl: undefined } : options;
    await this.batch([{ namespace, key, value, ...(index === undefined ? {} : { index }), ...(ttl === undefined ? {} : { ttl }) }]);
  }

  /** Closes the connection if this store opened it (`fromConnString` / `fromCluster`). */
  async end(): Promise<void> {
    this.context.mirrors.clear();
    const connection = this.ownedConnection;
    this.ownedConnection = undefined;
    if (connection?.isOpen) await connection.close();
  }

  /** BaseStore's stop hook: same as `end()`. */
  override async stop(): Promise<void> {
    await this.end();
  }
}

/** How the index names an embedding model, e.g. `OpenAIEmbeddings:text-embedding-3-small`. */
export function describeEmbedder(embeddings: object): string {
  const model = (embeddings as { model?: unknown; modelName?: unknown }).model ?? (embeddings as { modelName?: unknown }).modelName;
  return typeof model === "string" ? `${embeddings.constructor.name}:${model}` : embeddings.constructor.name;
}
