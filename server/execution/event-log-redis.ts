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
 * producer never awaits a write per event: the events a run appends in one turn of the event
 * loop go to Redis in one command at the end of that turn (one XADD, or a script adding several),
 * and `finish` sends the end marker with the stream's expiry in one script and awaits them all.
 * Readers in other processes catch up with XRANGE and follow with blocking XREADs.
 */
import type { Logger } from "../../lib/logger.js";
import { CoarseDeadlines } from "../../lib/deadlines.js";
import type { RedisConnection } from "../../lib/redis.js";
import { RedisScript, runScript } from "../../lib/redis-scripts.js";
import { ServerKeys } from "../records/keys.js";
import { EventBuffer } from "./event-buffer.js";
import type { EventCursor, RunEvent, RunEventLog, RunEventsEnd, ThreadRunEntry, ThreadRunsFrom } from "../../lib/contracts/execution.js";
import { serializeForApi } from "../api/runs/serialize.js";
import { RedisStreamFollower, type StreamEntry } from "./redis-stream-follower.js";

const END = "__end__";
const BLOCK_MS = 1_000;
/** Thread streams wait longer per blocking read: they stay open between runs. */
const THREAD_BLOCK_MS = 5_000;
/** Runs kept per thread in its start list (approximate trim). */
const THREAD_RUNS_KEPT = 1_000;

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

/**
 * Adds events with their explicit ids, then sets the stream's expiry. KEYS: events. ARGV:
 * PEXPIRE ms ('' = none), (id, name, JSON)*. One command for a turn's events.
 */
const APPEND_EVENTS = new RedisScript("appendRunEvents", `
for i = 2, #ARGV, 3 do redis.call('XADD', KEYS[1], ARGV[i], 'e', ARGV[i + 1], 'd', ARGV[i + 2]) end
if ARGV[1] ~= '' then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return 1
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
  /** Events appended this turn, not sent yet: (stream id, name, JSON)*. */
  unsent: string[];
  flushScheduled: boolean;
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

  constructor(connection: RedisConnection, options: { keyPrefix: string; retainMs?: number; logger?: Logger; commandTimeoutMs?: number }) {
    // No per-command timer on the hot path (XADD per event); `finish` bounds the wait once.
    this.redis = connection.withCommandOptions({ timeout: 0 }) as unknown as RedisConnection;
    this.deadlines = new CoarseDeadlines(options.commandTimeoutMs ?? 30_000);
    this.follower = new RedisStreamFollower(connection, this.redis, this.deadlines);
    this.retainMs = options.retainMs ?? 10 * 60_000;
    this.logger = options.logger;
    this.keys = new ServerKeys(options.keyPrefix);
  }

  /** Holds the run's events in memory from now on (called where the run will execute, before readers attach). */
  expectLocal(runId: string): void {
    if (!this.local.has(runId)) this.local.set(runId, { buffer: new EventBuffer(), writes: [], unsent: [], flushScheduled: false });
  }

  async begin(runId: string, options: { threadId: string | null; resumed: boolean }): Promise<void> {
    const held = this.local.get(runId);
    if (options.resumed && (!held || held.buffer.events.length === 0)) {
      // Taken over: number on after the last event any process wrote (one read per takeover).
      const last = await this.follower.last(this.keys.events(runId));
      const next = last && /^0-\d+$/.test(last.id) ? Number(eventNumber(last.id)) + 1 : 0;
      this.local.set(runId, { buffer: new EventBuffer(next), writes: [], unsent: [], flushScheduled: false });
    } else this.expectLocal(runId);
    if (options.threadId) {
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
    entry.unsent.push(streamId(Number(pushed.id)), event, raw);
    if (!entry.flushScheduled) {
      entry.flushScheduled = true;
      setImmediate(() => this.flush(runId, entry));
    }
    return pushed.id;
  }

  /** Sends the run's unsent events (and the expiry, when the run ends) in one command; one connection keeps them in order. */
  private flush(runId: string, entry: LocalRun, expireMs = ""): void {
    entry.flushScheduled = false;
    const unsent = entry.unsent.splice(0);
    if (unsent.length === 0 && !expireMs) return;
    // Always the script, even for one event: a first call that meets NOSCRIPT is retried in the
    // order the replies came, so a later batch cannot overtake it (a plain XADD could, and Redis
    // would then refuse the earlier, smaller ids).
    this.track(runId, runScript(this.redis, APPEND_EVENTS, [this.keys.events(runId)], [expireMs, ...unsent]), "run events");
  }

  private async appendRemote(runId: string, event: string, raw: string, expireMs: string): Promise<string> {
    return String(await runScript(this.redis, APPEND_EVENT, [this.keys.events(runId)], [event, raw, expireMs], this.deadlines));
  }

  async finish(runId: string, end: RunEventsEnd = {}): Promise<void> {
    const entry = this.local.get(runId);
    if (!entry) {
      await this.appendRemote(runId, END, JSON.stringify(end), String(this.retainMs));
      return;
    }
    try {
      // The end marker goes with the turn's last events and the expiry, after the earlier writes on the same connection.
      entry.unsent.push(streamId(entry.buffer.next), END, JSON.stringify(end));
      this.flush(runId, entry, String(this.retainMs));
      await this.deadlines.track(Promise.all(entry.writes), "run events");
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
      this.flush(runId, entry);
      await Promise.all(entry.writes);
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

  /** Closes the blocking-read connections. */
  async close(): Promise<void> {
    await this.follower.close();
  }
}
