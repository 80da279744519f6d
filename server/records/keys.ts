/**
 * The server's Redis key layout, built in this one module (same discipline as the saver's).
 *
 * A thread's keys share its `{<thread>}` hash tag, so one Lua script can decide a multitask
 * strategy and store a run atomically in one Redis Cluster slot. A stateless run's temporary
 * thread has the run's id, so it also lives in one slot.
 *
 *   <p>srv:{<thread>}:thread      HASH  owner, doc (JSON), status, updated_at, values, interrupts, graph_id, assistant_id
 *   <p>srv:{<thread>}:runs        ZSET  run ids by creation time (ms)
 *   <p>srv:{<thread>}:active      LIST  pending/running run ids in execution order; the first one executes
 *   <p>srv:{<thread>}:run:<run>   HASH  doc (JSON, immutable), status, updated_at, started_at, cancel
 *   <p>srv:{<thread>}:once:<run>  STRING a run created once (a cron tick's) was created; expires after a day
 *   <p>srv:{<thread>}:starts      STREAM the thread's runs in the order they started (r = run id), ~1000 kept
 *   <p>srv:{<run>}:events         STREAM the run's events (e = name, d = JSON; id 0-(n+1) = event n), expired after the run
 *   <p>srv:owner:<owner>:threads  ZSET  the owner's thread ids by creation time (search, count)
 *   <p>srv:crons, srv:cron:<id>…  crons (layout in crons.ts)
 *   <p>srv:thread-expiry          ZSET  ids of threads with a TTL by when they may be due (claimed by ZREM)
 *   <p>srv:deadletters            HASH  run id → dead-letter entry JSON (dead-letters.ts)
 *   <p>srv:assistants             ZSET  assistant ids by creation time
 *   <p>srv:assistant:<id>         STRING assistant JSON
 *   <p>srv:assistant:<id>:versions LIST assistant JSON per version, newest first
 */
import { hashTag } from "../../lib/redis-hash-tag.js";
import { ownerLabel } from "../../memory/index.js";

/** Builds the server's keys under one prefix (REDIS_KEY_PREFIX). */
export class ServerKeys {
  private readonly base: string;

  constructor(prefix: string) {
    this.base = `${prefix}srv:`;
  }

  private tagged(threadId: string): string {
    return `${this.base}{${hashTag(threadId)}}:`;
  }

  /** The thread hash. */
  thread(threadId: string): string {
    return `${this.tagged(threadId)}thread`;
  }

  /** The thread's run index. */
  runs(threadId: string): string {
    return `${this.tagged(threadId)}runs`;
  }

  /** The thread's active runs, in execution order. */
  active(threadId: string): string {
    return `${this.tagged(threadId)}active`;
  }

  /** One run of the thread. */
  run(threadId: string, runId: string): string {
    return `${this.tagged(threadId)}run:${runId}`;
  }

  /** The marker of a run created once (its id may never be created again). */
  createdOnce(threadId: string, runId: string): string {
    return `${this.tagged(threadId)}once:${runId}`;
  }

  /** The thread's runs in the order they started (the thread-wide stream follows it). */
  threadStarts(threadId: string): string {
    return `${this.tagged(threadId)}starts`;
  }

  /** The run's event stream. */
  events(runId: string): string {
    return `${this.tagged(runId)}events`;
  }

  /** Threads with a TTL by due time. */
  threadExpiry(): string {
    return `${this.base}thread-expiry`;
  }

  /** The owner's thread index. */
  ownerThreads(owner: string): string {
    return `${this.base}owner:${ownerLabel(owner)}:threads`;
  }

  /** The dead-letter list. */
  deadLetters(): string {
    return `${this.base}deadletters`;
  }

  /** The assistant index. */
  assistants(): string {
    return `${this.base}assistants`;
  }

  /** One assistant. */
  assistant(id: string): string {
    return `${this.base}assistant:${id}`;
  }

  /** An assistant's versions. */
  assistantVersions(id: string): string {
    return `${this.base}assistant:${id}:versions`;
  }
}

/** Runs kept per thread in its start list (`threadStarts`, approximate trim). */
export const THREAD_RUNS_KEPT = 1_000;
