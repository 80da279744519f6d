/**
 * The embedded storage: everything in this process's memory, nothing survives a restart. The
 * same semantics as the Redis backend; atomicity comes free because no method awaits midway.
 */
import type { CancelAction } from "../../lib/contracts/execution.js";
import type { AssistantRecord, CreateRunOutcome, FinishRun, RunRecord, Storage, ThreadRecord, ThreadStatus } from "./types.js";
import { createMemoryDueSet } from "./due-set.js";
import { createMemoryCronStorage } from "./crons.js";
import { memoryDeadLetters } from "./dead-letters.js";

interface ThreadSlot {
  thread: ThreadRecord;
  runs: Map<string, RunRecord>;
  active: string[];
}

const clone = <T>(value: T): T => structuredClone(value);

/** Storage kept in memory (embedded mode, tests). */
export function createMemoryStorage(): Storage {
  const assistants = new Map<string, AssistantRecord>();
  const versions = new Map<string, AssistantRecord[]>();
  const threads = new Map<string, ThreadSlot>();
  const slot = (threadId: string) => threads.get(threadId);
  // A pending run's thread status before it (undefined: the run created the thread), for discard().
  const priorStatus = new Map<string, ThreadStatus | undefined>();
  // Runs created once (cron ticks' runs), remembered after the run is deleted (a discard forgets one).
  const createdOnce = new Set<string>();

  return {
    durable: false,
    threadExpiry: createMemoryDueSet(),
    crons: createMemoryCronStorage(),
    ping: async () => undefined,
    close: async () => undefined,
    assistants: {
      async create(record) {
        const existing = assistants.get(record.assistant_id);
        if (existing) return { record: clone(existing), created: false };
        assistants.set(record.assistant_id, clone(record));
        versions.set(record.assistant_id, [clone(record)]);
        return { record: clone(record), created: true };
      },
      get: async (id) => (assistants.has(id) ? clone(assistants.get(id)!) : undefined),
      list: async () => [...assistants.values()].map(clone),
      async update(record) {
        assistants.set(record.assistant_id, clone(record));
        versions.get(record.assistant_id)?.push(clone(record));
      },
      async setCurrent(record) {
        assistants.set(record.assistant_id, clone(record));
      },
      async delete(id) {
        assistants.delete(id);
        versions.delete(id);
      },
      versions: async (id) => (versions.get(id) ?? []).map(clone).reverse(),
    },
    threads: {
      async create(record) {
        const existing = slot(record.thread_id);
        if (existing) return { record: clone(existing.thread), created: false };
        threads.set(record.thread_id, { thread: clone(record), runs: new Map(), active: [] });
        return { record: clone(record), created: true };
      },
      get: async (id) => (slot(id) ? clone(slot(id)!.thread) : undefined),
      async patch(id, patch) {
        const found = slot(id);
        if (found) Object.assign(found.thread, clone(patch));
      },
      async delete(record) {
        threads.delete(record.thread_id);
      },
      listByOwner: async (owner) =>
        [...threads.values()]
          .map((entry) => entry.thread)
          .filter((thread) => thread.owner === owner)
          .sort((a, b) => b.created_at.localeCompare(a.created_at))
          .map(clone),
    },
    runs: {
      async create(run, options): Promise<CreateRunOutcome> {
        const onceKey = `${run.thread_id}:${run.run_id}`;
        if (options.once && createdOnce.has(onceKey)) {
          const entry = slot(run.thread_id);
          return { kind: "exists", status: entry?.runs.get(run.run_id)?.status, head: entry?.active[0] === run.run_id };
        }
        let entry = slot(run.thread_id);
        let threadCreated = false;
        if (entry && entry.thread.owner !== run.owner) return { kind: "no_thread" };
        if (!entry) {
          if (options.ifNotExists !== "create") return { kind: "no_thread" };
          entry = { thread: clone(options.newThread), runs: new Map(), active: [] };
          threads.set(run.thread_id, entry);
          threadCreated = true;
        }
        const inflight = [...entry.active];
        if (inflight.length > 0 && run.multitask_strategy === "reject") return { kind: "busy", inflight };
        entry.runs.set(run.run_id, clone(run));
        priorStatus.set(run.run_id, threadCreated ? undefined : entry.thread.status);
        entry.active.push(run.run_id);
        if (options.once) createdOnce.add(onceKey);
        Object.assign(entry.thread, { status: "busy", updated_at: run.created_at, graph_id: run.kwargs.graph_id, assistant_id: run.assistant_id });
        return { kind: "created", threadCreated, inflight };
      },
      get: async (threadId, runId) => {
        const run = slot(threadId)?.runs.get(runId);
        return run ? clone(run) : undefined;
      },
      list: async (threadId) => [...(slot(threadId)?.runs.values() ?? [])].reverse().map(clone),
      async markRunning(threadId, runId, startedAt) {
        priorStatus.delete(runId);
        const run = slot(threadId)?.runs.get(runId);
        if (run && run.status === "pending") Object.assign(run, { status: "running", updated_at: startedAt, started_at: startedAt });
      },
      async finish(threadId, runId, finish: FinishRun) {
        if (finish.releaseLease) throw new Error("The in-memory run store cannot release a thread lease held in Redis; leased runs need the Redis run store.");
        const entry = slot(threadId);
        if (!entry) return null;
        entry.active = entry.active.filter((id) => id !== runId);
        priorStatus.delete(runId);
        const run = entry.runs.get(runId);
        if (finish.deleteRun) entry.runs.delete(runId);
        else if (run) Object.assign(run, { status: finish.status, updated_at: new Date().toISOString() });
        const head = entry.active[0] ?? null;
        entry.thread.status = head ? "busy" : finish.threadStatus;
        entry.thread.updated_at = new Date().toISOString();
        if (finish.values !== undefined) entry.thread.values = clone(finish.values);
        if (finish.interrupts !== undefined) entry.thread.interrupts = clone(finish.interrupts);
        return head;
      },
      async cancel(threadId, runId, action: CancelAction) {
        const entry = slot(threadId);
        const run = entry?.runs.get(runId);
        if (!entry || !run) return "missing";
        if (run.status !== "pending" && run.status !== "running") return "done";
        if (entry.active[0] === runId) {
          run.cancel = action;
          return "head";
        }
        entry.active = entry.active.filter((id) => id !== runId);
        if (action === "rollback") entry.runs.delete(runId);
        else Object.assign(run, { status: "interrupted", updated_at: new Date().toISOString() });
        return "removed";
      },
      async discard(threadId, runId) {
        const entry = slot(threadId);
        const run = entry?.runs.get(runId);
        if (!entry || !run) return "missing";
        if (run.status !== "pending") return "started";
        const prior = priorStatus.get(runId);
        priorStatus.delete(runId);
        createdOnce.delete(`${threadId}:${runId}`);
        entry.runs.delete(runId);
        entry.active = entry.active.filter((id) => id !== runId);
        if (entry.active.length === 0 && prior === undefined && entry.runs.size === 0) threads.delete(threadId);
        else if (entry.active.length === 0) entry.thread.status = prior === undefined || prior === "busy" ? "idle" : prior;
        return "discarded";
      },
      async delete(threadId, runId) {
        slot(threadId)?.runs.delete(runId);
      },
      active: async (threadId) => [...(slot(threadId)?.active ?? [])],
      async requeue(threadId, runId) {
        const entry = slot(threadId);
        const run = entry?.runs.get(runId);
        if (!entry || !run) return "missing";
        if (run.status !== "error") return "not_failed";
        Object.assign(run, { status: "pending", updated_at: new Date().toISOString() });
        delete run.cancel;
        entry.active.push(runId);
        entry.thread.status = "busy";
        return entry.active[0] === runId ? "head" : "queued";
      },
    },
    deadLetters: memoryDeadLetters(),
  };
}
