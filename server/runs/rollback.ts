/**
 * Rolls a thread back to where it was before a cancelled run: the checkpoint the run started
 * from becomes the thread's head again (copied as a new checkpoint, so history stays linear and
 * nothing is deleted under a concurrent reader); a run that started on an empty thread leaves
 * it empty.
 */
import { copyCheckpoint, uuid6, type BaseCheckpointSaver } from "@langchain/langgraph-checkpoint";

/** Makes `preCheckpoint` the head of the thread again ('' = the thread was empty; undefined = the run wrote nothing). */
export async function rollbackThread(saver: BaseCheckpointSaver, threadId: string, preCheckpoint: string | undefined): Promise<void> {
  if (preCheckpoint === undefined) return;
  if (preCheckpoint === "") {
    await saver.deleteThread(threadId);
    return;
  }
  const tuple = await saver.getTuple({ configurable: { thread_id: threadId, checkpoint_ns: "", checkpoint_id: preCheckpoint } });
  if (!tuple) return;
  const checkpoint = { ...copyCheckpoint(tuple.checkpoint), id: uuid6(-2), ts: new Date().toISOString() };
  const metadata = { ...tuple.metadata, source: "update" as const, step: (tuple.metadata?.step ?? -1) + 1, parents: tuple.metadata?.parents ?? {} };
  await saver.put({ configurable: { thread_id: threadId, checkpoint_ns: "", checkpoint_id: preCheckpoint } }, checkpoint, metadata, {});
}
