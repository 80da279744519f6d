/**
 * Reading a Redis Stream from an id on and following it live: one XRANGE to catch up, then
 * blocking XREADs on connections of its own (a blocked connection can do nothing else), kept
 * in a small pool between readers. Used for runs' events and threads' runs.
 */
import type { CoarseDeadlines } from "../../lib/deadlines.js";
import type { RedisConnection } from "../../lib/redis.js";

/** One stream entry. */
export interface StreamEntry {
  id: string;
  message: Record<string, string>;
}

const IDLE_CONNECTIONS = 16;

/** Follows streams on `connection` (duplicated for blocking reads). */
export class RedisStreamFollower {
  private readonly idle: RedisConnection[] = [];

  constructor(
    private readonly connection: RedisConnection,
    private readonly redis: RedisConnection,
    private readonly deadlines: CoarseDeadlines,
  ) {}

  /** Entries after `after` (exclusive) up to `to` (inclusive). */
  async range(key: string, after: string, to = "+"): Promise<StreamEntry[]> {
    return (await this.deadlines.track(this.redis.xRange(key, `(${after}`, to), "stream read")) as unknown as StreamEntry[];
  }

  /** The stream's last entry, if any. */
  async last(key: string): Promise<StreamEntry | undefined> {
    const entries = (await this.deadlines.track(this.redis.xRevRange(key, "+", "-", { COUNT: 1 }), "stream read")) as unknown as StreamEntry[];
    return entries[0];
  }

  /**
   * Entries after `after` (or from `at`, inclusive), then new ones as they come, until the
   * consumer stops, `signal` aborts, or a block of `blockMs` passed empty and `stop()` says so
   * (then whatever arrived meanwhile is still yielded).
   */
  async *follow(
    key: string,
    from: { after: string } | { at: string },
    options: { signal?: AbortSignal; blockMs: number; stop?: () => Promise<boolean> },
  ): AsyncGenerator<StreamEntry> {
    let last = "after" in from ? from.after : undefined;
    let connection: RedisConnection | undefined;
    try {
      while (!options.signal?.aborted) {
        let entries: StreamEntry[];
        if (connection) entries = await this.blockingRead(connection, key, last!, options.blockMs);
        else if (last === undefined) entries = (await this.deadlines.track(this.redis.xRange(key, (from as { at: string }).at, "+"), "stream read")) as unknown as StreamEntry[];
        else entries = await this.range(key, last);
        for (const entry of entries) {
          last = entry.id;
          yield entry;
        }
        // Nothing at or after `at` yet: every later entry has a greater id.
        last ??= (from as { at: string }).at;
        if (entries.length === 0 && connection && options.stop && (await options.stop())) {
          for (const entry of await this.range(key, last)) yield entry;
          return;
        }
        connection ??= await this.acquire();
      }
    } finally {
      if (connection) this.release(connection);
    }
  }

  private async blockingRead(connection: RedisConnection, key: string, after: string, blockMs: number): Promise<StreamEntry[]> {
    const reply = (await connection.xRead({ key, id: after }, { BLOCK: blockMs, COUNT: 500 })) as unknown as { name: string; messages: StreamEntry[] }[] | null;
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

  /** Closes the pooled connections. */
  async close(): Promise<void> {
    await Promise.all(this.idle.splice(0).map((connection) => connection.close().catch(() => undefined)));
  }
}
