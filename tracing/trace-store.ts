/**
 * Where run traces live: in Redis with bounded retention (every trace expires after the
 * retention period; a thread's index keeps its latest runs), or in memory in embedded mode
 * (a bounded LRU, gone on restart).
 *
 * Redis keys (under the deployment's key prefix):
 *   trace:{runId}          JSON of the run's trace                      expires after the retention
 *   trace-thread:{threadId} sorted set of run ids by start time (ms)    expiry refreshed on each save
 * The two keys of a save live in different slots on a cluster, so there they are written by two
 * commands (the index's add, trim and expiry in one script), pipelined in one round trip; on a
 * single node one script writes both (a command less per traced run). A thread index may briefly
 * name an expired run, which `get` answers with null.
 */
import { LRUCache } from "lru-cache";
import { UpstreamUnavailableError } from "../lib/errors.js";
import { isCluster, type RedisConnection } from "../lib/redis.js";
import { RedisScript, runScript } from "../lib/redis-scripts.js";
import type { RunTrace, TraceStore } from "./trace.js";

/** Retention and bounds of a trace store. */
export interface TraceStoreOptions {
  /** How long a trace is kept, in hours (default 168: a week). */
  retentionHours?: number;
  /** Runs kept per thread index (default 1,000). */
  maxRunsPerThread?: number;
}

const DEFAULT_RETENTION_HOURS = 168;
const DEFAULT_RUNS_PER_THREAD = 1_000;

/** Indexes a run in its thread: KEYS = the index; ARGV = start ms, run id, runs kept, expiry ms. One command instead of three per traced run. */
const INDEX_RUN = new RedisScript("indexTracedRun", `
redis.call('ZADD', KEYS[1], ARGV[1], ARGV[2])
redis.call('ZREMRANGEBYRANK', KEYS[1], 0, -tonumber(ARGV[3]) - 1)
redis.call('PEXPIRE', KEYS[1], ARGV[4])
return 1
`);

/** Saves a trace and indexes it (single node only: the keys' slots differ). KEYS = trace, index; ARGV = JSON, then INDEX_RUN's. */
const SAVE_AND_INDEX = new RedisScript("saveTracedRun", `
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[5])
redis.call('ZADD', KEYS[2], ARGV[2], ARGV[3])
redis.call('ZREMRANGEBYRANK', KEYS[2], 0, -tonumber(ARGV[4]) - 1)
redis.call('PEXPIRE', KEYS[2], ARGV[5])
return 1
`);

/** Traces in Redis, each expiring after the retention period. */
export class RedisTraceStore implements TraceStore {
  readonly durable = true;
  private readonly retentionMs: number;
  private readonly maxRunsPerThread: number;

  constructor(
    private readonly redis: RedisConnection,
    private readonly keyPrefix = "sb:",
    options: TraceStoreOptions = {},
    private readonly closeConnection?: () => Promise<void>,
  ) {
    this.retentionMs = (options.retentionHours ?? DEFAULT_RETENTION_HOURS) * 3_600_000;
    this.maxRunsPerThread = options.maxRunsPerThread ?? DEFAULT_RUNS_PER_THREAD;
  }

  private traceKey(runId: string): string {
    return `${this.keyPrefix}trace:{${runId}}`;
  }

  private threadKey(threadId: string): string {
    return `${this.keyPrefix}trace-thread:{${threadId}}`;
  }

  async save(trace: RunTrace): Promise<void> {
    await this.guard("save the trace of run", trace.runId, async () => {
      if (trace.threadId && !isCluster(this.redis)) {
        const started = String(Date.parse(trace.startedAt) || Date.now());
        const args = [JSON.stringify(trace), started, trace.runId, String(this.maxRunsPerThread), String(this.retentionMs)];
        await runScript(this.redis, SAVE_AND_INDEX, [this.traceKey(trace.runId), this.threadKey(trace.threadId)], args);
        return;
      }
      const writes: Promise<unknown>[] = [this.redis.set(this.traceKey(trace.runId), JSON.stringify(trace), { PX: this.retentionMs })];
      if (trace.threadId) {
        // Issued with the SET: one pipelined round trip.
        const started = String(Date.parse(trace.startedAt) || Date.now());
        writes.push(runScript(this.redis, INDEX_RUN, [this.threadKey(trace.threadId)], [started, trace.runId, String(this.maxRunsPerThread), String(this.retentionMs)]));
      }
      await Promise.all(writes);
    });
  }

  async get(runId: string): Promise<RunTrace | null> {
    return this.guard("read the trace of run", runId, async () => {
      const raw = await this.redis.get(this.traceKey(runId));
      return raw ? (JSON.parse(String(raw)) as RunTrace) : null;
    });
  }

  async listRuns(threadId: string, limit = 100): Promise<string[]> {
    return this.guard("list the traced runs of thread", threadId, async () => (await this.redis.zRange(this.threadKey(threadId), 0, limit - 1, { REV: true })).map(String));
  }

  async close(): Promise<void> {
    await this.closeConnection?.();
  }

  private async guard<T>(operation: string, id: string, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      throw new UpstreamUnavailableError("redis", `RedisTraceStore.${operation}`, `Could not ${operation} '${id}': ${(error as Error).message}. Check that Redis is reachable.`, { cause: error });
    }
  }
}

/** Traces in process memory (embedded mode): a bounded LRU with the same retention. */
export class MemoryTraceStore implements TraceStore {
  readonly durable = false;
  private readonly traces: LRUCache<string, RunTrace>;
  /** Run ids of each thread with their start time, like the Redis index. */
  private readonly threads = new Map<string, Map<string, number>>();

  constructor(options: TraceStoreOptions & { maxTraces?: number } = {}) {
    this.traces = new LRUCache({ max: options.maxTraces ?? 500, ttl: (options.retentionHours ?? DEFAULT_RETENTION_HOURS) * 3_600_000 });
  }

  async save(trace: RunTrace): Promise<void> {
    // A copy, so later changes by the caller do not alter what was saved.
    this.traces.set(trace.runId, structuredClone(trace));
    if (!trace.threadId) return;
    const runs = this.threads.get(trace.threadId) ?? new Map<string, number>();
    for (const id of runs.keys()) if (!this.traces.has(id)) runs.delete(id);
    runs.set(trace.runId, Date.parse(trace.startedAt) || Date.now());
    if (runs.size > DEFAULT_RUNS_PER_THREAD) runs.delete(this.newestFirst(runs).at(-1)!);
    this.threads.set(trace.threadId, runs);
  }

  private newestFirst(runs: Map<string, number>): string[] {
    return [...runs.entries()].sort((a, b) => b[1] - a[1]).map(([id]) => id);
  }

  async get(runId: string): Promise<RunTrace | null> {
    const trace = this.traces.get(runId);
    return trace ? structuredClone(trace) : null;
  }

  async listRuns(threadId: string, limit = 100): Promise<string[]> {
    return this.newestFirst(this.threads.get(threadId) ?? new Map()).filter((id) => this.traces.has(id)).slice(0, limit);
  }

  async close(): Promise<void> {}
}
