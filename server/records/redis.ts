/**
 * Storage on Redis (single node or cluster). Key layout in keys.ts; the steps that must be
 * atomic across replicas (run creation with its multitask decision, ending and cancelling runs)
 * are Lua scripts in lua.ts. Everything else is one command or one pipelined batch.
 */
import { CoarseDeadlines } from "../../lib/deadlines.js";
import type { RedisConnection } from "../../lib/redis.js";
import { LeaseLostError } from "../../lib/errors.js";
import type { RunStatus } from "../../lib/contracts/execution.js";
import { ServerKeys, THREAD_RUNS_KEPT } from "./keys.js";
import { createRedisDueSet } from "./due-set.js";
import { createRedisCronStorage } from "./crons.js";
import { runScript } from "../../lib/redis-scripts.js";
import { CANCEL_RUN, CREATE_RUN, DISCARD_RUN, FINISH_RUN, MARK_RUNNING, REQUEUE_RUN } from "./lua.js";
import { redisDeadLetters } from "./dead-letters.js";
import type { AssistantRecord, CreateRunOutcome, RunRecord, Storage, ThreadRecord, ThreadStatus } from "./types.js";

type Hash = Record<string, string>;

// A day: longer than any retry of a cron tick (BullMQ's stalled-job retries come within minutes).
const CREATED_ONCE_SECONDS = 24 * 3600;
const THREAD_DOC_FIELDS = ["thread_id", "created_at", "metadata", "config", "ttl"] as const;

function threadDoc(thread: ThreadRecord): string {
  return JSON.stringify(Object.fromEntries(THREAD_DOC_FIELDS.map((field) => [field, thread[field]])));
}

function threadFromHash(hash: Hash): ThreadRecord | undefined {
  if (!hash.owner || !hash.doc) return undefined;
  const doc = JSON.parse(hash.doc) as Pick<ThreadRecord, (typeof THREAD_DOC_FIELDS)[number]>;
  return {
    ...doc,
    owner: hash.owner,
    status: (hash.status ?? "idle") as ThreadStatus,
    updated_at: hash.updated_at ?? doc.created_at,
    values: hash.values ? JSON.parse(hash.values) : null,
    interrupts: hash.interrupts ? JSON.parse(hash.interrupts) : {},
    ...(hash.graph_id ? { graph_id: hash.graph_id } : {}),
    ...(hash.assistant_id ? { assistant_id: hash.assistant_id } : {}),
  };
}

function runDoc(run: RunRecord): string {
  const { status: _status, updated_at: _updated, started_at: _started, cancel: _cancel, ...doc } = run;
  return JSON.stringify(doc);
}

function runFromHash(hash: Hash): RunRecord | undefined {
  if (!hash.doc) return undefined;
  return {
    ...(JSON.parse(hash.doc) as RunRecord),
    status: (hash.status ?? "pending") as RunStatus,
    updated_at: hash.updated_at ?? "",
    ...(hash.started_at ? { started_at: hash.started_at } : {}),
    ...(hash.cancel ? { cancel: hash.cancel as RunRecord["cancel"] } : {}),
  };
}

const now = () => new Date().toISOString();

/** Bounds every method's wait on Redis with the coarse deadlines (no per-command timer). */
function bounded<T extends object>(target: T, deadlines: CoarseDeadlines, label: string): T {
  const wrapped = {} as Record<string, unknown>;
  for (const [name, value] of Object.entries(target)) {
    wrapped[name] = typeof value === "function" ? (...args: unknown[]) => deadlines.track(Promise.resolve((value as (...a: unknown[]) => unknown)(...args)), `${label}.${name}`) : value;
  }
  return wrapped as T;
}

/**
 * Storage on a connected Redis; `close` leaves the connection to its owner. Commands run without
 * node-redis' per-command timer (it costs more CPU than the command on a local Redis); one coarse
 * sweep fails a call that waited longer than `commandTimeoutMs` instead.
 */
export function createRedisStorage(connection: RedisConnection, keyPrefix: string, commandTimeoutMs = 30_000): Storage {
  const storage = createUnboundedStorage(connection.withCommandOptions({ timeout: 0 }) as unknown as RedisConnection, keyPrefix);
  const deadlines = new CoarseDeadlines(commandTimeoutMs);
  return {
    ...storage,
    ping: () => deadlines.track(storage.ping(), "redis.ping"),
    assistants: bounded(storage.assistants, deadlines, "assistants"),
    threads: bounded(storage.threads, deadlines, "threads"),
    runs: bounded(storage.runs, deadlines, "runs"),
    threadExpiry: bounded(storage.threadExpiry, deadlines, "threadExpiry"),
    crons: bounded(storage.crons, deadlines, "crons"),
    deadLetters: bounded(storage.deadLetters, deadlines, "deadLetters"),
  };
}

function createUnboundedStorage(redis: RedisConnection, keyPrefix: string): Storage {
  const keys = new ServerKeys(keyPrefix);
  const runKeys = (threadId: string, runId: string) => [keys.thread(threadId), keys.active(threadId), keys.run(threadId, runId), keys.runs(threadId)];

  return {
    durable: true,
    threadExpiry: createRedisDueSet(redis, keys.threadExpiry()),
    crons: createRedisCronStorage(redis, keyPrefix),
    async ping() {
      await redis.ping();
    },
    close: async () => undefined,
    assistants: {
      async create(record) {
        const json = JSON.stringify(record);
        const created = await redis.set(keys.assistant(record.assistant_id), json, { condition: "NX" });
        if (created === null) {
          const existing = await redis.get(keys.assistant(record.assistant_id));
          if (existing) return { record: JSON.parse(String(existing)) as AssistantRecord, created: false };
        }
        await Promise.all([
          redis.zAdd(keys.assistants(), { score: Date.parse(record.created_at), value: record.assistant_id }),
          redis.lPush(keys.assistantVersions(record.assistant_id), json),
        ]);
        return { record, created: true };
      },
      async get(id) {
        const json = await redis.get(keys.assistant(id));
        return json ? (JSON.parse(String(json)) as AssistantRecord) : undefined;
      },
      async list() {
        const ids = (await redis.zRange(keys.assistants(), 0, -1)) as string[];
        const docs = await Promise.all(ids.map((id) => redis.get(keys.assistant(id))));
        return docs.filter((doc): doc is string => typeof doc === "string").map((doc) => JSON.parse(doc) as AssistantRecord);
      },
      async update(record) {
        const json = JSON.stringify(record);
        await Promise.all([redis.set(keys.assistant(record.assistant_id), json), redis.lPush(keys.assistantVersions(record.assistant_id), json)]);
      },
      async setCurrent(record) {
        await redis.set(keys.assistant(record.assistant_id), JSON.stringify(record));
      },
      async delete(id) {
        await Promise.all([redis.del(keys.assistant(id)), redis.del(keys.assistantVersions(id)), redis.zRem(keys.assistants(), id)]);
      },
      async versions(id) {
        const docs = (await redis.lRange(keys.assistantVersions(id), 0, -1)) as string[];
        return docs.map((doc) => JSON.parse(doc) as AssistantRecord);
      },
    },
    threads: {
      async create(record) {
        const key = keys.thread(record.thread_id);
        const created = await redis.hSetNX(key, "owner", record.owner);
        if (!created) {
          const existing = threadFromHash((await redis.hGetAll(key)) as Hash);
          if (existing) return { record: existing, created: false };
        }
        await Promise.all([
          redis.hSet(key, { doc: threadDoc(record), status: record.status, updated_at: record.updated_at }),
          redis.zAdd(keys.ownerThreads(record.owner), { score: Date.parse(record.created_at), value: record.thread_id }),
        ]);
        return { record, created: true };
      },
      async get(id) {
        return threadFromHash((await redis.hGetAll(keys.thread(id))) as Hash);
      },
      async patch(id, patch) {
        const key = keys.thread(id);
        const current = threadFromHash((await redis.hGetAll(key)) as Hash);
        if (!current) return;
        const next = { ...current, ...patch };
        await redis.hSet(key, {
          doc: threadDoc(next),
          updated_at: next.updated_at,
          ...(patch.values !== undefined ? { values: JSON.stringify(patch.values) } : {}),
        });
      },
      async delete(record) {
        const id = record.thread_id;
        const runIds = (await redis.zRange(keys.runs(id), 0, -1)) as string[];
        await Promise.all([
          redis.del([keys.thread(id), keys.runs(id), keys.active(id), keys.threadStarts(id), ...runIds.map((runId) => keys.run(id, runId))]),
          redis.zRem(keys.ownerThreads(record.owner), id),
        ]);
      },
      async listByOwner(owner) {
        const ids = (await redis.zRange(keys.ownerThreads(owner), 0, -1, { REV: true } as never)) as string[];
        const hashes = await Promise.all(ids.map((id) => redis.hGetAll(keys.thread(id))));
        const threads = hashes.map((hash) => threadFromHash(hash as Hash)).filter((thread): thread is ThreadRecord => thread !== undefined);
        const missing = ids.filter((id) => !threads.some((thread) => thread.thread_id === id));
        // Threads deleted by another path (or expired) leave their index entry; drop it lazily.
        if (missing.length > 0) await redis.zRem(keys.ownerThreads(owner), missing);
        return threads;
      },
    },
    runs: {
      async create(run, options): Promise<CreateRunOutcome> {
        const id = run.thread_id;
        const reply = (await runScript(redis, CREATE_RUN, [keys.thread(id), keys.active(id), keys.runs(id), keys.run(id, run.run_id), keys.createdOnce(id, run.run_id)], [
          run.run_id,
          runDoc(run),
          run.multitask_strategy,
          options.ifNotExists,
          run.owner,
          run.created_at,
          String(Date.parse(run.created_at)),
          threadDoc(options.newThread),
          run.kwargs.graph_id,
          run.assistant_id,
          options.once ? String(CREATED_ONCE_SECONDS) : "",
        ])) as string[];
        const [outcome, ...inflight] = reply.map(String);
        if (outcome === "exists") return { kind: "exists", status: (inflight[0] || undefined) as RunStatus | undefined, head: inflight[1] === run.run_id };
        if (outcome === "no_thread") return { kind: "no_thread" };
        if (outcome === "busy") return { kind: "busy", inflight };
        if (outcome === "created_thread" && !run.kwargs.temporary) {
          await redis.zAdd(keys.ownerThreads(run.owner), { score: Date.parse(options.newThread.created_at), value: id });
        }
        return { kind: "created", threadCreated: outcome === "created_thread", inflight };
      },
      async get(threadId, runId) {
        return runFromHash((await redis.hGetAll(keys.run(threadId, runId))) as Hash);
      },
      async list(threadId) {
        const ids = (await redis.zRange(keys.runs(threadId), 0, -1, { REV: true } as never)) as string[];
        const hashes = await Promise.all(ids.map((runId) => redis.hGetAll(keys.run(threadId, runId))));
        return hashes.map((hash) => runFromHash(hash as Hash)).filter((run): run is RunRecord => run !== undefined);
      },
      listsThreadStarts: true,
      async markRunning(threadId, runId, startedAt, options) {
        if (!options?.listStart) return void (await runScript(redis, MARK_RUNNING, [keys.run(threadId, runId)], [startedAt]));
        await runScript(redis, MARK_RUNNING, [keys.run(threadId, runId), keys.threadStarts(threadId)], [startedAt, runId, String(THREAD_RUNS_KEPT)]);
      },
      async finish(threadId, runId, finish) {
        const lease = finish.releaseLease;
        const reply = await runScript(redis, FINISH_RUN, lease ? [...runKeys(threadId, runId), lease.key] : runKeys(threadId, runId), [
          runId,
          finish.status,
          now(),
          finish.threadStatus,
          finish.values === undefined ? "" : JSON.stringify(finish.values ?? null),
          JSON.stringify(finish.interrupts ?? {}),
          finish.deleteRun ? "1" : "0",
          ...(lease ? [lease.holds] : []),
        ]);
        if (reply === "lease_lost") throw new LeaseLostError(threadId, `run ${runId} lost its thread lease before it ended; it is handed back`);
        const [head] = reply as unknown[];
        return head === undefined || head === null ? null : String(head);
      },
      async cancel(threadId, runId, action) {
        return String(await runScript(redis, CANCEL_RUN, runKeys(threadId, runId), [runId, action, now()])) as "missing" | "done" | "head" | "removed";
      },
      async discard(threadId, runId) {
        return String(await runScript(redis, DISCARD_RUN, [...runKeys(threadId, runId), keys.createdOnce(threadId, runId)], [runId, now()])) as "discarded" | "started" | "missing";
      },
      async delete(threadId, runId) {
        await Promise.all([redis.del(keys.run(threadId, runId)), redis.zRem(keys.runs(threadId), runId)]);
      },
      async active(threadId) {
        return (await redis.lRange(keys.active(threadId), 0, -1)) as string[];
      },
      async requeue(threadId, runId) {
        const keysOf = [keys.thread(threadId), keys.active(threadId), keys.run(threadId, runId)];
        return String(await runScript(redis, REQUEUE_RUN, keysOf, [runId, now()])) as "head" | "queued" | "missing" | "not_failed";
      },
    },
    deadLetters: redisDeadLetters(redis, keys.deadLetters()),
  };
}
