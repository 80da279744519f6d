/**
 * RedisSaver: a LangGraph checkpoint saver on plain Redis data structures (Redis 6.2+,
 * Valkey, Redis Cluster; no modules). Same construction API as the official
 * `@langchain/langgraph-checkpoint-redis`, so switching is one import.
 *
 * Each write is one atomic script on the thread's slot, and a super-step's pending writes ride
 * in its checkpoint's script (write-batch.ts), so a sync step waits on one round trip; reading
 * the latest checkpoint is one O(log n) round trip; list channels are stored once per element
 * (see list-sharing.ts).
 * The layout is documented in keys.ts.
 *
 * Assumes, as LangGraph does, that state values are not mutated in place once written:
 * unchanged list elements are recognised by reference.
 *
 * Fencing (lib/contracts `FencedCheckpointing`): `leases` hands out thread leases, and the
 * saver returned by `fenced(lease)` has its writes refused once that lease is lost. The fence
 * token travels as the first argument of the write script that runs anyway, so a fenced write
 * costs no extra round trip.
 */
import type { RunnableConfig } from "@langchain/core/runnables";
import {
  BaseCheckpointSaver,
  TASKS,
  maxChannelVersion,
  type ChannelVersions,
  type Checkpoint,
  type CheckpointListOptions,
  type CheckpointMetadata,
  type CheckpointTuple,
  type DeltaChannelHistory,
  type PendingWrite,
  type SerializerProtocol,
} from "@langchain/langgraph-checkpoint";
import { RESP_TYPES } from "redis";
import type { FencedCheckpointing, LeaseFence, ThreadLease } from "../../lib/contracts/execution.js";
import { connectRedis, type RedisConnection } from "../../lib/redis.js";
import { runScript } from "../../lib/redis-scripts.js";
import type { Logger } from "../../lib/logger.js";
import { SaverKeys, assertStorableId } from "./keys.js";
import { ListStateCache, type ListState } from "./list-sharing.js";
import { decodeTuple, type LoadEntry } from "./read.js";
import { CoarseDeadlines } from "../../lib/deadlines.js";
import { LIST_STATE, LOAD, PUT, PUT_WRITES } from "./scripts.js";
import { preparePut, preparePutWrites } from "./write.js";
import { warnIfNotDurable } from "./durability.js";
import { readDeltaHistory } from "./delta-history.js";
import { listTuples } from "./list.js";
import { toSaverError } from "./saver-errors.js";
import { ThreadLeases } from "./leases.js";
import { WriteBatch, type ClaimedWrites } from "./write-batch.js";

/** TTL settings, as in the official package: minutes after the thread's last write. */
export interface TTLConfig {
  /** Minutes a thread's checkpoints live after its last write; unset = forever. */
  defaultTTL?: number;
  /** Also refresh the TTL when a checkpoint is read. */
  refreshOnRead?: boolean;
}

/** RedisSaver options: the official TTL config plus Switchboard's extras. */
export interface RedisSaverOptions extends TTLConfig {
  /** Prefix of every key (default `sb:`), so deployments can share one Redis. */
  keyPrefix?: string;
  /** Serializer for checkpoints, metadata and writes (default: LangGraph's JSON+ serializer). */
  serde?: SerializerProtocol;
  /** Where setup() reports that Redis keeps nothing on disk; default: a process warning. */
  logger?: Logger;
  /** How many channel lists to remember for structural sharing (default 10,000). */
  listCacheSize?: number;
  /** Milliseconds a saver call waits for Redis before failing as unavailable (default 30,000; 0 = forever). */
  commandTimeoutMs?: number;
}

/** Threads whose id is known to be in the registry, so put() sends SADD once per thread. */
const REGISTERED_THREADS_LIMIT = 100_000;

/** LangGraph checkpoint saver on plain Redis, with fencing by thread lease. */
export class RedisSaver extends BaseCheckpointSaver implements FencedCheckpointing {
  /** Thread leases whose tokens fence writes made through `fenced(lease)`. */
  readonly leases: ThreadLeases;
  /** The connection, replying with Buffers so stored bytes round-trip exactly. */
  private readonly redis: RedisConnection;
  private readonly keys: SaverKeys;
  private readonly ttlMs: number;
  private readonly refreshOnRead: boolean;
  private readonly lists: ListStateCache;
  private readonly registered = new Set<string>();
  private readonly logger: Logger | undefined;
  private readonly deadlines: CoarseDeadlines;
  /** putWrites calls waiting for the put of the same super-step (shared with the fenced views). */
  private readonly writes: WriteBatch;
  /** The fencing token this saver's writes carry ('' = unfenced); set only on views made by `fenced()`. */
  private fenceToken = "";

  /** Wraps a connected node-redis client or cluster; `end()` closes it. */
  constructor(
    private readonly connection: RedisConnection,
    options: RedisSaverOptions = {},
  ) {
    super(options.serde);
    // Per-command timers cost more CPU than a checkpoint write; one coarse sweep bounds the wait instead.
    this.redis = connection.withCommandOptions({ typeMapping: { [RESP_TYPES.BLOB_STRING]: Buffer }, timeout: 0 }) as unknown as RedisConnection;
    this.deadlines = new CoarseDeadlines(options.commandTimeoutMs ?? 30_000);
    this.keys = new SaverKeys(options.keyPrefix ?? "sb:");
    this.ttlMs = options.defaultTTL ? Math.round(options.defaultTTL * 60_000) : 0;
    this.refreshOnRead = options.refreshOnRead ?? false;
    this.lists = new ListStateCache(options.listCacheSize);
    this.logger = options.logger;
    this.leases = new ThreadLeases(connection, this.keys);
    this.writes = new WriteBatch((threadId, fenceToken, args) => this.sendWrites(threadId, fenceToken, args));
  }

  /**
   * This saver as the holder of `lease` sees it: same connection, caches and data, but every
   * put and putWrites carries the lease's token and is refused (LeaseLostError) once the lease
   * expired or moved. A view, not a copy: its prototype is this saver, only the token differs.
   */
  fenced(lease: ThreadLease): RedisSaver {
    const view = Object.create(this) as RedisSaver;
    view.fenceToken = String(lease.token);
    return view;
  }

  /** Where other scripts check `lease` (the lease key holds `<token>:<holder>` while it is held). */
  fence(lease: ThreadLease): LeaseFence {
    return { key: this.keys.lease(assertStorableId("thread_id", lease.threadId)).lease, holds: `${lease.token}:` };
  }

  /** Connects to a single Redis (or a proxy) and runs setup(). */
  static async fromUrl(url: string, options: RedisSaverOptions = {}): Promise<RedisSaver> {
    const saver = new RedisSaver(await connectRedis({ url, name: "switchboard-saver", ...loggerOf(options) }), options);
    await saver.setup();
    return saver;
  }

  /** Connects to a Redis Cluster through its seed nodes and runs setup(). */
  static async fromCluster(rootNodes: Array<{ url: string }>, options: RedisSaverOptions = {}): Promise<RedisSaver> {
    const clusterNodes = rootNodes.map((node) => new URL(node.url).host);
    const saver = new RedisSaver(await connectRedis({ clusterNodes, name: "switchboard-saver", ...loggerOf(options) }), options);
    await saver.setup();
    return saver;
  }

  /** Idempotent: loads the scripts and warns once if Redis keeps nothing on disk. */
  async setup(): Promise<void> {
    try {
      await warnIfNotDurable(this.connection, this.logger);
    } catch (error) {
      throw toSaverError("setup", undefined, error);
    }
  }

  /** Closes the connection (also one passed to the constructor, as the official saver does). */
  async end(): Promise<void> {
    if (this.connection.isOpen) await this.connection.close();
  }

  /** Versions carry a random suffix so two forks of one thread never share a blob key. */
  override getNextVersion(current: number | string | undefined): number {
    const previous = current === undefined ? 0 : typeof current === "number" ? current : Number.parseInt(current.split(".")[0]!, 10);
    const suffix = Math.floor(Math.random() * 1e16).toString().padStart(16, "0");
    // LangGraph types versions as numbers here but compares them as strings or numbers.
    return `${String(previous + 1).padStart(32, "0")}.${suffix}` as unknown as number;
  }

  /** The checkpoint at config's checkpoint_id, or the latest of the thread and namespace. */
  async getTuple(config: RunnableConfig): Promise<CheckpointTuple | undefined> {
    const threadId = config.configurable?.thread_id;
    if (threadId === undefined || threadId === null) return undefined;
    const thread = assertStorableId("thread_id", threadId);
    const ns = assertStorableId("checkpoint_ns", config.configurable?.checkpoint_ns ?? "", { allowEmpty: true });
    const id = config.configurable?.checkpoint_id;
    try {
      const [tuple] = await this.loadTuples(thread, ns, id ? [assertStorableId("checkpoint_id", id)] : [], true);
      return tuple;
    } catch (error) {
      throw toSaverError("getTuple", thread, error);
    }
  }

  /** Checkpoints newest first, honouring thread, namespace, `before`, `limit` and metadata `filter`. */
  async *list(config: RunnableConfig, options: CheckpointListOptions = {}): AsyncGenerator<CheckpointTuple> {
    yield* listTuples(
      {
        redis: this.redis,
        keys: this.keys,
        serde: this.serde,
        load: (thread, ns, ids) => this.loadTuples(thread, ns, ids, false),
        wrap: (operation, thread, error) => toSaverError(operation, thread, error),
      },
      config,
      options,
    );
  }

  /** Stores a checkpoint atomically, writing only the channels in `newVersions`. */
  async put(config: RunnableConfig, checkpoint: Checkpoint, metadata: CheckpointMetadata, newVersions: ChannelVersions): Promise<RunnableConfig> {
    const rawThread = config.configurable?.thread_id;
    if (rawThread === undefined || rawThread === null) {
      throw new Error('RedisSaver.put: config.configurable.thread_id is required, e.g. { configurable: { thread_id: "my-thread" } }.');
    }
    const threadId = assertStorableId("thread_id", rawThread);
    const ns = assertStorableId("checkpoint_ns", config.configurable?.checkpoint_ns ?? "", { allowEmpty: true });
    const id = assertStorableId("checkpoint id", checkpoint.id);
    const parentId = config.configurable?.checkpoint_id ? assertStorableId("checkpoint_id", config.configurable.checkpoint_id) : "";
    const scriptKeys = this.keys.withLease(threadId);
    let riding: ClaimedWrites | undefined;
    try {
      // Known threads skip the async call: a put runs per super-step, the registry write once per thread.
      const register = this.registered.has(threadId) ? undefined : this.registerThread(threadId);
      let noSharing: Set<string> | undefined;
      for (let attempt = 0; ; attempt += 1) {
        const prepared = await preparePut({
          serde: this.serde,
          lists: this.lists,
          threadId,
          ns,
          parentId,
          checkpoint,
          metadata,
          newVersions,
          ttlMs: this.ttlMs,
          recall: (channels) => this.recallLists(this.keys.thread(threadId), ns, parentId, channels),
          ...(noSharing ? { noSharing } : {}),
        });
        riding ??= await this.writes.claim(threadId, this.fenceToken);
        const args = [this.fenceToken, ...prepared.args];
        if (riding) for (const arg of riding.args) args.push(arg);
        const reply = (await runScript(this.redis, PUT, scriptKeys, args, this.deadlines)) as Buffer[];
        if (reply[0]!.toString() === "ok") {
          prepared.listOps.forEach((op, index) => {
            this.lists.set(threadId, ns, op.channel, { seg: reply[index + 1]!.toString(), len: op.length, items: op.items.slice(), cums: op.cums });
          });
          break;
        }
        // Another writer moved the segment we meant to extend: store this list without sharing.
        const stale = prepared.listOps[Number(reply[1]) - 1];
        if (!stale || attempt >= 2) throw new Error(`RedisSaver.put: list segment stayed stale after ${attempt + 1} attempts`);
        this.lists.delete(threadId, ns, stale.channel);
        (noSharing ??= new Set()).add(stale.channel);
      }
      riding?.settle();
      if (register) await register;
    } catch (error) {
      const failure = toSaverError("put", threadId, error);
      riding?.settle(failure);
      throw failure;
    }
    return { configurable: { thread_id: threadId, checkpoint_ns: ns, checkpoint_id: id } };
  }

  /** Stores pending writes of a task; idempotent per (task, index). */
  async putWrites(config: RunnableConfig, writes: PendingWrite[], taskId: string, taskPath = ""): Promise<void> {
    const rawThread = config.configurable?.thread_id;
    const rawId = config.configurable?.checkpoint_id;
    if (rawThread === undefined || rawThread === null) throw new Error("RedisSaver.putWrites: config.configurable.thread_id is required.");
    if (!rawId) throw new Error("RedisSaver.putWrites: config.configurable.checkpoint_id is required.");
    const threadId = assertStorableId("thread_id", rawThread);
    const ns = assertStorableId("checkpoint_ns", config.configurable?.checkpoint_ns ?? "", { allowEmpty: true });
    const id = assertStorableId("checkpoint_id", rawId);
    assertStorableId("task id", taskId);
    if (writes.length === 0) return;
    try {
      await this.writes.add(threadId, this.fenceToken, preparePutWrites(this.serde, ns, id, writes, taskId, taskPath));
    } catch (error) {
      throw toSaverError("putWrites", threadId, error);
    }
  }

  /** Stores pending writes no put carried (PUT_WRITES), possibly of several calls on the thread. */
  private async sendWrites(threadId: string, fenceToken: string, args: (string | Buffer)[]): Promise<void> {
    await runScript(this.redis, PUT_WRITES, this.keys.withLease(threadId), [fenceToken, String(this.ttlMs), ...args], this.deadlines);
  }

  /** Deletes every checkpoint and write of a thread, in all namespaces. */
  async deleteThread(threadId: string): Promise<void> {
    const thread = assertStorableId("thread_id", threadId);
    try {
      await Promise.all([this.redis.unlink(this.keys.thread(thread)), this.redis.sRem(this.keys.threads(), thread)]);
    } catch (error) {
      throw toSaverError("deleteThread", thread, error);
    }
    this.registered.delete(thread);
    this.lists.forgetThread(thread);
  }

  /** Rebuilds DeltaChannel history in one round trip per 500 ancestors instead of one per ancestor. */
  override async getDeltaChannelHistory(options: { config: RunnableConfig; channels: string[] }): Promise<Record<string, DeltaChannelHistory>> {
    const threadId = options.config.configurable?.thread_id;
    const thread = threadId === undefined || threadId === null ? undefined : assertStorableId("thread_id", threadId);
    try {
      return await readDeltaHistory({ redis: this.redis, serde: this.serde, keys: this.keys }, thread, options);
    } catch (error) {
      throw toSaverError("getDeltaChannelHistory", thread, error);
    }
  }

  /** Loads tuples (latest when `ids` is empty) and applies v<4 pending-send migration. */
  private async loadTuples(threadId: string, ns: string, ids: string[], remember: boolean): Promise<(CheckpointTuple | undefined)[]> {
    const keys = this.keys.thread(threadId);
    const ttl = this.refreshOnRead ? String(this.ttlMs) : "0";
    const reply = (await runScript(this.redis, LOAD, keys, [ns, ttl, ...(ids.length ? ids : [""])], this.deadlines)) as (LoadEntry | null)[];
    const ctx = { serde: this.serde, threadId, ns, keys };
    const tuples: (CheckpointTuple | undefined)[] = [];
    for (const entry of reply) {
      if (!entry) {
        tuples.push(undefined);
        continue;
      }
      const { tuple, lists } = await decodeTuple(ctx, entry);
      if (remember) for (const decoded of lists) this.lists.set(threadId, ns, decoded.channel, decoded.list!);
      if (tuple.checkpoint.v < 4 && tuple.parentConfig) await this.migratePendingSends(tuple, threadId, ns);
      tuples.push(tuple);
    }
    return tuples;
  }

  /** Checkpoints before format v4 kept sends as the parent's TASKS writes; fold them into the values. */
  private async migratePendingSends(tuple: CheckpointTuple, threadId: string, ns: string): Promise<void> {
    const parentId = tuple.parentConfig!.configurable!.checkpoint_id as string;
    const [parent] = await this.loadTuples(threadId, ns, [parentId], false);
    const sends = (parent?.pendingWrites ?? []).filter(([, channel]) => channel === TASKS).map(([, , value]) => value);
    const checkpoint = tuple.checkpoint;
    checkpoint.channel_values[TASKS] = sends;
    const versions = Object.values(checkpoint.channel_versions);
    checkpoint.channel_versions[TASKS] = versions.length > 0 ? maxChannelVersion(...versions) : this.getNextVersion(undefined);
  }

  /** What the parent checkpoint stored for the given list channels: segment, length and hashes. */
  private async recallLists(keys: string[], ns: string, parentId: string, channels: string[]): Promise<Map<string, ListState>> {
    const reply = (await runScript(this.redis, LIST_STATE, keys, [ns, parentId, ...channels], this.deadlines)) as [Buffer, Buffer, number, Buffer[]][];
    const states = new Map<string, ListState>();
    for (const [channel, seg, len, cums] of reply) {
      states.set(channel.toString(), { seg: seg.toString(), len: Number(len), items: [], cums: cums.map((cum) => cum.toString("latin1")) });
    }
    return states;
  }

  /** Adds the thread to the registry used by list() across threads, once per thread per process. */
  private async registerThread(threadId: string): Promise<void> {
    if (this.registered.has(threadId)) return;
    await this.redis.sAdd(this.keys.threads(), threadId);
    if (this.registered.size >= REGISTERED_THREADS_LIMIT) this.registered.clear();
    this.registered.add(threadId);
  }
}

function loggerOf(options: RedisSaverOptions): { logger?: Logger } {
  return options.logger ? { logger: options.logger } : {};
}
