/**
 * Thread state through the thread's graph: the latest state or one at a checkpoint, updates
 * (which fork when given an old checkpoint), history newest first, and copying a thread's
 * checkpoints to a new thread.
 */
import type { BaseCheckpointSaver, CheckpointTuple } from "@langchain/langgraph-checkpoint";
import { checkpointOf } from "../../execution/stream-modes.js";
import { serializeError } from "../runs/serialize.js";

interface Snapshot {
  values: unknown;
  next: string[];
  tasks: { id: string; name: string; error?: unknown; interrupts?: unknown[]; path?: unknown; state?: unknown; result?: unknown }[];
  metadata?: unknown;
  createdAt?: string;
  config?: { configurable?: Record<string, unknown> };
  parentConfig?: { configurable?: Record<string, unknown> };
}

/** A StateSnapshot in the API's ThreadState shape. */
export function threadState(snapshot: Snapshot): Record<string, unknown> {
  const metadata = snapshot.metadata as Record<string, unknown> | undefined;
  if (metadata && metadata.checkpoint_ns === "") delete metadata.checkpoint_ns;
  return {
    values: snapshot.values ?? {},
    next: snapshot.next ?? [],
    tasks: (snapshot.tasks ?? []).map((task) => {
      const state = task.state as Snapshot | { configurable?: Record<string, unknown> } | undefined;
      return {
        id: task.id,
        name: task.name,
        error: task.error != null ? serializeError(task.error).message : null,
        interrupts: task.interrupts ?? [],
        path: task.path ?? null,
        checkpoint: state && "configurable" in state ? (state.configurable ?? null) : null,
        state: state && "values" in state ? threadState(state as Snapshot) : null,
        result: task.result ?? null,
      };
    }),
    metadata: metadata ?? null,
    created_at: snapshot.createdAt ?? null,
    checkpoint: checkpointOf(snapshot.config),
    parent_checkpoint: checkpointOf(snapshot.parentConfig),
    interrupts: (snapshot.tasks ?? []).flatMap((task) => task.interrupts ?? []),
  };
}

/** The state of a thread no graph has run on yet. */
export function emptyThreadState(): Record<string, unknown> {
  return { values: {}, next: [], tasks: [], metadata: null, created_at: null, checkpoint: null, parent_checkpoint: null, interrupts: [] };
}

/** Copies every checkpoint (and pending write) of `from` to `to`, oldest first. */
export async function copyCheckpoints(saver: BaseCheckpointSaver, from: string, to: string): Promise<void> {
  const tuples: CheckpointTuple[] = [];
  for await (const tuple of saver.list({ configurable: { thread_id: from } })) tuples.push(tuple);
  tuples.sort((a, b) => (a.checkpoint.id < b.checkpoint.id ? -1 : a.checkpoint.id > b.checkpoint.id ? 1 : 0));
  for (const tuple of tuples) {
    const ns = String(tuple.config.configurable?.checkpoint_ns ?? "");
    const parent = tuple.parentConfig?.configurable?.checkpoint_id;
    const config = { configurable: { thread_id: to, checkpoint_ns: ns, ...(parent ? { checkpoint_id: parent } : {}) } };
    const saved = await saver.put(config, tuple.checkpoint, tuple.metadata ?? { source: "update", step: -1, parents: {} }, tuple.checkpoint.channel_versions);
    const byTask = new Map<string, [string, unknown][]>();
    for (const [taskId, channel, value] of tuple.pendingWrites ?? []) {
      if (!byTask.has(taskId)) byTask.set(taskId, []);
      byTask.get(taskId)!.push([channel, value]);
    }
    for (const [taskId, writes] of byTask) await saver.putWrites(saved, writes, taskId);
  }
}

/**
 * Prunes a thread to its latest checkpoint (per namespace, with its pending writes): older ones
 * are deleted and the latest is written back without a parent. Only for a thread with no active run.
 */
export async function keepLatestCheckpoint(saver: BaseCheckpointSaver, threadId: string): Promise<void> {
  const latest = new Map<string, CheckpointTuple>();
  for await (const tuple of saver.list({ configurable: { thread_id: threadId } })) {
    const ns = String(tuple.config.configurable?.checkpoint_ns ?? "");
    const kept = latest.get(ns);
    if (!kept || kept.checkpoint.id < tuple.checkpoint.id) latest.set(ns, tuple);
  }
  await saver.deleteThread(threadId);
  for (const [ns, tuple] of latest) {
    const saved = await saver.put({ configurable: { thread_id: threadId, checkpoint_ns: ns } }, tuple.checkpoint, tuple.metadata ?? { source: "update", step: -1, parents: {} }, tuple.checkpoint.channel_versions);
    const byTask = new Map<string, [string, unknown][]>();
    for (const [taskId, channel, value] of tuple.pendingWrites ?? []) byTask.set(taskId, [...(byTask.get(taskId) ?? []), [channel, value]]);
    for (const [taskId, writes] of byTask) await saver.putWrites(saved, writes, taskId);
  }
}
