/**
 * The RunEventLog on Redis Streams: one stream per run (`srv:{<run>}:events`, fields e = event
 * name, d = JSON), expired `retainMs` after the run ends, and one per thread listing its runs
 * in the order they started (`srv:{<thread>}:starts`, field r = run id) for the thread stream.
 *
 * Ids: event number n of a run is stream id `0-(n+1)` (`0-0` is not a valid id), so a run's
 * events are numbered 0, 1, 2, … as the API shows them, and Redis itself refuses an id that does
 * not grow: a worker that takes a run over reads the last id once and continues after it; no
 * clock is involved, so clock skew between machines cannot misorder them.
 *
 * Fast path: while a run executes in this process its events are also held in memory, so local
 * readers (runs/wait, runs/stream on this replica) follow it without reading Redis back, and the
 * producer never awaits a write per event: the events a run appends within a short window go to
 * Redis as one script call (event-batches.ts), and `finish` sends the end marker with the last
 * batch and the stream's expiry. Readers in other processes catch up with XRANGE and follow
 * with blocking XREADs.
 */
import type { Logger } from "../../lib/logger.js";
import { CoarseDeadlines } from "../../lib/deadlines.js";
import type { RedisConnection } from "../../lib/redis.js";
import { RedisScript, runScript } from "../../lib/redis-scripts.js";
import { ServerKeys, THREAD_RUNS_KEPT } from "../records/keys.js";
import { EventBuffer } from "./event-buffer.js";
import { EventBacklog } from "./event-backlog.js";
import { EventBatches } from "./event-batches.js";
import type { EventCursor, RunEvent, RunEventLog, RunEventsEnd, ThreadRunEntry, ThreadRunsFrom } from "../../lib/contracts/execution.js";
import { serializeForApi } from "../api/runs/serialize.js";
import { RedisStreamFollower, type StreamEntry } from "./redis-stream-follower.js";

const END = "__end__";
const BLOCK_MS = 1_000;
/** Thread streams wait longer per blocking read: they stay open between runs. */
const THREAD_BLOCK_MS = 5_000;

/** The stream id of event number `n`. */
const streamId = (n: number): string => `0-${n + 1}`;

/** The event number of a stream id (ids of the `0-n` form; anything else passes through). */
function eventNumber(id: string): string {
  const [ms, seq] = id.split("-");
  return ms === "0" && seq ? String(Number(seq) - 1) : id;
}

/**
 * Appends an event after the stream's last one, from a process that does not hold the run
 * (an abandoned run's error, the end of a run cancelled before it started). KEYS: events.
 * ARGV: name, JSON, PEXPIRE ms ('' = none). Returns the event's number.
 */
const APPEND_EVENT = new RedisScript("appendRunEvent", `
local top = redis.call('XREVRANGE', KEYS[1], '+', '-', 'COUNT', 1)
local seq = 1
if top[1] then
  local ms, last = string.match(top[1][1], '^(%d+)-(%d+)$')
  if ms == '0' then seq = tonumber(last) + 1 end
end
redis.call('XADD', KEYS[1], '0-' .. seq, 'e', ARGV[1], 'd', ARGV[2])
if ARGV[3] ~= '' then redis.call('PEXPIRE', KEYS[1], ARGV[3]) end
return seq - 1
`);

function toEvent(entry: StreamEntry): RunEvent {
  return { id: eventNumber(entry.id), event: entry.message.e!, data: undefined, raw: entry.message.d ?? "null" };
}

function endOf(entry: StreamEntry): RunEventsEnd {
  try {
    return (JSON.parse(entry.message.d ?? "null") as RunEventsEnd | null) ?? {};
  } catch {
    return {};
  }
}

interface LocalRun {
  buffer: EventBuffer;
  writes: Promise<unknown>[];
}

type ReadOptions = Parameters<RunEventLog["read"]>[1];

/** Event log on Redis Streams with an in-process fast path. */
export class RedisRunEventLog implements RunEventLog {
  private readonly keys: ServerKeys;
  private readonly local = new Map<string, LocalRun>();
  private readonly redis: RedisConnection;
  private readonly deadlines: CoarseDeadlines;
  private readonly follower: RedisStreamFollower;
  private readonly retainMs: number;
  private readonly logger: Logger | undefined;
  private readonly backlog: EventBacklog;
  private readonly batches: EventBatches;

  constructor(connection: RedisConnection, options: { keyPrefix: string; retainMs?: number; logger?: Logger; commandTimeoutMs?: number; batchWindowMs?: number }) {
    // No per-command timer on the hot path (XADD per event); `finish` bounds the wait once.
    this.redis = connection.withCommandOptions({ timeout: 0 }) as unknown as RedisConnection;
    this.deadlines = new CoarseDeadlines(options.commandTimeoutMs ?? 30_000);
    this.follower = new RedisStreamFollower(connection, this.redis, this.deadlines);
    this.retainMs = options.retainMs ?? 10 * 60_000;
    this.logger = options.logger;
    const appendGap = (runId: string, missed: string[]) =>
      this.appendRemote(runId, "gap", JSON.stringify({ missed_event_ids: missed, message: "These events of the run could not be stored; read the thread's state for what they carried." }), "");
    this.backlog = new EventBacklog(this.redis, { ...(options.logger ? { logger: options.logger } : {}), appendGap });
    this.batches = new EventBatches(this.redis, this.backlog, (runId, missed) => {
      this.logger?.error({ runId, missed }, "run events could not be placed in order; a gap event tells readers");
      return appendGap(runId, missed);
    }, options.batchWindowMs);
    this.keys = new ServerKeys(options.keyPrefix);
  }

  /** Holds the run's events in memory from now on (called where the run will execute, before readers attach). */
  expectLocal(runId: string): void {
    if (!this.local.has(runId)) this.local.set(runId, { buffer: new EventBuffer(), writes: [] });
  }

  async begin(runId: string, options: { threadId: string | null; resumed: boolean; listed?: boolean }): Promise<void> {
    const held = this.local.get(runId);
    // Resuming a run whose earlier events still wait here: write them first, or the numbering would pass them by.
    if (options.resumed && this.backlog.has(runId)) {
      await this.backlog.flush();
      if (this.backlog.has(runId)) throw new Error(`run ${runId}: earlier events still wait for Redis; the run resumes once they are written`);
    }
    if (options.resumed && (!held || held.buffer.events.length === 0)) {
      // Taken over: number on after the last event any process wrote (one read per takeover).
      const last = await this.follower.last(this.keys.events(runId));
      const next = last && /^0-\d+$/.test(last.id) ? Number(eventNumber(last.id)) + 1 : 0;
      this.local.set(runId, { buffer: new EventBuffer(next), writes: [] });
    } else this.expectLocal(runId);
    if (options.threadId && !options.listed) {
      const trim = { TRIM: { strategy: "MAXLEN" as const, strategyModifier: "~" as const, threshold: THREAD_RUNS_KEPT } };
      this.track(runId, this.redis.xAdd(this.keys.threadStarts(options.threadId), "*", { r: runId }, trim), "thread run list");
    }
  }

  private track(runId: string, write: Promise<unknown>, what: string): void {
    this.local.get(runId)!.writes.push(
      write.catch((error: unknown) => this.logger?.warn({ err: error, runId, what }, "run event not written to Redis; remote readers will miss it")),
    );
  }

  async append(runId: string, event: string, data: unknown): Promise<string> {
    const raw = serializeForApi(data);
    const entry = this.local.get(runId);
    if (!entry) return this.appendRemote(runId, event, raw, "");
    const pushed = entry.buffer.push(event, data, raw);
    this.batches.add(runId, this.keys.events(runId), streamId(Number(pushed.id)), { e: event, d: raw });
    return pushed.id;
  }

  private async appendRemote(runId: string, event: string, raw: string, expireMs: string): Promise<string> {
    return String(await runScript(this.redis, APPEND_EVENT, [this.keys.events(runId)], [event, raw, expireMs], this.deadlines));
  }

  async finish(runId: string, end: RunEventsEnd = {}): Promise<void> {
    const entry = this.local.get(runId);
    const key = this.keys.events(runId);
    if (!entry) {
      await this.appendRemote(runId, END, JSON.stringify(end), String(this.retainMs));
      return;
    }
    try {
      // One script call: the events not sent yet, the end marker after them and the stream's expiry.
      const last = { id: streamId(entry.buffer.next), fields: { e: END, d: JSON.stringify(end) }, expireMs: this.retainMs };
      const [written] = await this.deadlines.track(Promise.all([this.batches.settle(runId, key, last), ...entry.writes]), "run events");
      if (written) return;
      // Events Redis did not take are written first, in order, once it answers; until then the run's end waits too.
      await this.deadlines.track(this.backlog.flush(), "run events");
      if (this.backlog.has(runId)) throw new Error(`run ${runId}: ${this.backlog.size} events still wait for Redis`);
      if (!(await this.deadlines.track(this.batches.settle(runId, key, last), "run events"))) throw new Error(`run ${runId}: its end could not be written to Redis`);
    } finally {
      entry.buffer.finish({ end });
      this.local.delete(runId);
    }
  }

  /** Flushes the run's writes and drops its local buffer, leaving the stream open for the worker that resumes the run. */
  async handOff(runId: string): Promise<void> {
    const entry = this.local.get(runId);
    if (!entry) return;
    try {
      await Promise.all([this.batches.settle(runId, this.keys.events(runId)), ...entry.writes]);
    } finally {
      entry.buffer.finish({ handedOff: true });
      this.local.delete(runId);
    }
  }

  async *read(runId: string, options: ReadOptions): AsyncGenerator<RunEvent> {
    const local = this.local.get(runId);
    if (!local) {
      yield* this.readRedis(runId, options);
      return;
    }
    const { buffer } = local;
    let last = options.after === "now" ? buffer.next - 1 : (options.after ?? -1);
    // Events written before this process took the run over are in Redis only.
    if (last + 1 < buffer.first) {
      for (const entry of await this.follower.range(this.keys.events(runId), streamId(last), streamId(buffer.first - 1))) {
        last = Number(eventNumber(entry.id));
        yield toEvent(entry);
      }
    }
    for await (const event of buffer.follow(last, options.signal)) {
      last = Number(event.id);
      yield event;
    }
    // The run went on in another process (handed back, deferred): follow it there.
    if (buffer.handedOff) yield* this.readRedis(runId, { ...options, after: last });
    else if (buffer.finished) options.onEnd?.(buffer.end);
  }

  private async *readRedis(runId: string, options: ReadOptions): AsyncGenerator<RunEvent> {
    const key = this.keys.events(runId);
    let after = options.after === "now" ? undefined : streamId(options.after ?? -1);
    if (after === undefined) {
      const last = await this.follower.last(key);
      if (last?.message.e === END) {
        options.onEnd?.(endOf(last));
        return;
      }
      after = last?.id ?? "0-0";
    }
    const isLive = options.isLive;
    const stop = isLive ? async () => !(await isLive()) : undefined;
    for await (const entry of this.follower.follow(key, { after }, { blockMs: BLOCK_MS, ...(options.signal ? { signal: options.signal } : {}), ...(stop ? { stop } : {}) })) {
      if (entry.message.e === END) {
        options.onEnd?.(endOf(entry));
        return;
      }
      yield toEvent(entry);
    }
  }

  async *threadRuns(threadId: string, options: { from: ThreadRunsFrom; signal?: AbortSignal }): AsyncGenerator<ThreadRunEntry> {
    const from = options.from === "first" ? { after: "0-0" } : options.from;
    const follow = this.follower.follow(this.keys.threadStarts(threadId), from, { blockMs: THREAD_BLOCK_MS, ...(options.signal ? { signal: options.signal } : {}) });
    for await (const entry of follow) if (entry.message.r) yield { position: entry.id, runId: entry.message.r };
  }

  async latestThreadRun(threadId: string): Promise<ThreadRunEntry | undefined> {
    const last = await this.follower.last(this.keys.threadStarts(threadId));
    return last?.message.r ? { position: last.id, runId: last.message.r } : undefined;
  }

  /** Writes what the backlog can, then closes the blocking-read connections. */
  async close(): Promise<void> {
    await this.backlog.flush();
    this.backlog.stop();
    await this.follower.close();
  }
}
