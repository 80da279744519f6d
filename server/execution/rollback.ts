/**
 * Where a run stands in its thread's checkpoints, told by time: runs on a thread are serialized
 * and state updates are refused while a run is active, so every checkpoint newer than the run's
 * start (stamped by the worker's clock, the same clock that stamps the checkpoints) is the run's.
 *
 * Rollback makes the checkpoint the run started from the thread's head again (copied as a new
 * checkpoint, so history stays linear and nothing is deleted under a concurrent reader); a run that
 * started on an empty thread leaves it empty. Takeover asks whether the run wrote anything.
 */
import { copyCheckpoint, uuid6, type BaseCheckpointSaver } from "@langchain/langgraph-checkpoint";

/** Whether the thread's latest checkpoint was written at or after `startedAt`. */
export async function wroteCheckpointSince(saver: BaseCheckpointSaver, threadId: string, startedAt: string | undefined): Promise<boolean> {
  if (!startedAt) return false;
  const latest = await saver.getTuple({ configurable: { thread_id: threadId, checkpoint_ns: "" } });
  return latest !== undefined && latest.checkpoint.ts >= startedAt;
}

/** Makes the thread's last checkpoint older than `startedAt` its head again (no-op if the run wrote nothing). */
export async function rollbackThread(saver: BaseCheckpointSaver, threadId: string, startedAt: string): Promise<void> {
  let wroteAny = false;
  for await (const tuple of saver.list({ configurable: { thread_id: threadId, checkpoint_ns: "" } })) {
    if (tuple.checkpoint.ts >= startedAt) {
      wroteAny = true;
      continue;
    }
    if (!wroteAny) return;
    const checkpoint = { ...copyCheckpoint(tuple.checkpoint), id: uuid6(-2), ts: new Date().toISOString() };
    const metadata = { ...tuple.metadata, source: "update" as const, step: (tuple.metadata?.step ?? -1) + 1, parents: tuple.metadata?.parents ?? {} };
    await saver.put({ configurable: { thread_id: threadId, checkpoint_ns: "", checkpoint_id: tuple.checkpoint.id } }, checkpoint, metadata, {});
    return;
  }
  // Every checkpoint is the run's: the thread was empty before it.
  if (wroteAny) await saver.deleteThread(threadId);
}
