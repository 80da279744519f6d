/**
 * The RunEventLog on Redis Streams: one stream per run (`srv:{<run>}:events`, fields e = event
 * name, d = JSON), ids = stream ids, expired `retainMs` after the run ends.
 *
 * Fast path: while a run executes in this process its events are also held in memory, so local
 * readers (runs/wait, runs/stream on this replica) follow it without reading Redis back, and the
 * producer never awaits a write per event (XADDs with explicit ids are pipelined; `finish`
 * awaits them). Readers in other processes catch up with XRANGE and follow with blocking XREADs
 * on connections of their own.
 */
import type { Logger } from "../../lib/logger.js";
import { CoarseDeadlines } from "../../lib/deadlines.js";
import type { RedisConnection } from "../../lib/redis.js";
import { ServerKeys } from "../records/keys.js";
import { EventBuffer } from "./event-buffer.js";
import type { RunEvent, RunEventLog } from "../../lib/contracts/execution.js";
import { serializeForApi } from "../api/runs/serialize.js";

const END = "__end__";
const BLOCK_MS = 1_000;
const IDLE_CONNECTIONS = 16;

/** Event log on Redis Streams with an in-process fast path. */
export class RedisRunEventLog implements RunEventLog {
  private readonly keys: ServerKeys;
  private readonly local = new Map<string, { buffer: EventBuffer; writes: Promise<unknown>[] }>();
  private readonly idle: RedisConnection[] = [];

  private readonly redis: RedisConnection;
  private readonly deadlines: CoarseDeadlines;
  private readonly retainMs: number;
  private readonly logger: Logger | undefined;

  constructor(
    private readonly connection: RedisConnection,
    options: { keyPrefix: string; retainMs?: number; logger?: Logger; commandTimeoutMs?: number },
  ) {
    // No per-command timer on the hot path (XADD per event); `finish` bounds the wait once.
    this.redis = connection.withCommandOptions({ timeout: 0 }) as unknown as RedisConnection;
    this.deadlines = new CoarseDeadlines(options.commandTimeoutMs ?? 30_000);
    this.retainMs = options.retainMs ?? 10 * 60_000;
    this.logger = options.logger;
    this.keys = new ServerKeys(options.keyPrefix);
  }

  /** Holds the run's events in memory from now on (called where the run will execute, before readers attach). */
  expectLocal(runId: string): void {
    if (!this.local.has(runId)) this.local.set(runId, { buffer: new EventBuffer(), writes: [] });
  }

  async append(runId: string, event: string, data: unknown): Promise<string> {
    this.expectLocal(runId);
    const entry = this.local.get(runId)!;
    const raw = serializeForApi(data);
    const pushed = entry.buffer.push(event, data, raw);
    entry.writes.push(
      this.redis.xAdd(this.keys.events(runId), pushed.id, { e: event, d: raw }).catch((error: unknown) => {
        this.logger?.warn({ err: error, runId, event }, "run event not written to Redis; remote readers will miss it");
      }),
    );
    return pushed.id;
  }

  async finish(runId: string): Promise<void> {
    const entry = this.local.get(runId);
    const key = this.keys.events(runId);
    try {
      // One connection keeps commands in order: the end marker lands after the events without waiting for them.
      await this.deadlines.track(Promise.all([...(entry?.writes ?? []), this.redis.xAdd(key, "*", { e: END, d: "null" }), this.redis.pExpire(key, this.retainMs)]), "run events");
    } finally {
      entry?.buffer.finish();
      this.local.delete(runId);
    }
  }

  /** Flushes the run's writes and drops its local buffer, leaving the stream open for the worker that resumes the run. */
  async handOff(runId: string): Promise<void> {
    const entry = this.local.get(runId);
    if (!entry) return;
    try {
      await Promise.all(entry.writes);
    } finally {
      entry.buffer.finish({ handedOff: true });
      this.local.delete(runId);
    }
  }

  async *read(runId: string, options: { after?: string; signal?: AbortSignal; isLive?: () => Promise<boolean> }): AsyncGenerator<RunEvent> {
    const local = this.local.get(runId);
    if (!local) {
      yield* this.readRedis(runId, options);
      return;
    }
    let last = options.after;
    for await (const event of local.buffer.follow(options.after, options.signal)) {
      last = event.id;
      yield event;
    }
    // The run went on in another process (handed back, deferred): follow it there.
    if (local.buffer.handedOff) yield* this.readRedis(runId, { ...options, ...(last !== undefined ? { after: last } : {}) });
  }

  private async *readRedis(runId: string, options: { after?: string; signal?: AbortSignal; isLive?: () => Promise<boolean> }): AsyncGenerator<RunEvent> {
    const key = this.keys.events(runId);
    let last = options.after ?? "0-0";
    let connection: RedisConnection | undefined;
    try {
      while (!options.signal?.aborted) {
        const entries = connection
          ? await this.blockingRead(connection, key, last)
          : ((await this.deadlines.track(this.redis.xRange(key, `(${last}`, "+"), "run events")) as unknown as StreamEntry[]);
        for (const entry of entries) {
          last = entry.id;
          if (entry.message.e === END) return;
          yield { id: entry.id, event: entry.message.e!, data: undefined, raw: entry.message.d ?? "null" };
        }
        if (entries.length === 0 && connection && options.isLive && !(await options.isLive())) {
          // The run ended without an end marker we can see (expired, or never started here).
          const rest = (await this.deadlines.track(this.redis.xRange(key, `(${last}`, "+"), "run events")) as unknown as StreamEntry[];
          for (const entry of rest) if (entry.message.e !== END) yield { id: entry.id, event: entry.message.e!, data: undefined, raw: entry.message.d ?? "null" };
          return;
        }
        connection ??= await this.acquire();
      }
    } finally {
      if (connection) this.release(connection);
    }
  }

  private async blockingRead(connection: RedisConnection, key: string, after: string): Promise<StreamEntry[]> {
    const reply = (await connection.xRead({ key, id: after }, { BLOCK: BLOCK_MS, COUNT: 500 })) as unknown as
      | { name: string; messages: StreamEntry[] }[]
      | null;
    return reply?.[0]?.messages ?? [];
  }

  private async acquire(): Promise<RedisConnection> {
    const idle = this.idle.pop();
    if (idle) return idle;
    const connection = this.connection.duplicate() as RedisConnection;
    connection.on("error", () => undefined);
    await connection.connect();
    return connection;
  }

  private release(connection: RedisConnection): void {
    if (this.idle.length < IDLE_CONNECTIONS && connection.isOpen) this.idle.push(connection);
    else void connection.close().catch(() => undefined);
  }

  /** Closes the blocking-read connections. */
  async close(): Promise<void> {
    await Promise.all(this.idle.splice(0).map((connection) => connection.close().catch(() => undefined)));
  }
}

interface StreamEntry {
  id: string;
  message: Record<string, string>;
}
