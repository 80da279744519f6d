/**
 * Cancellation across processes. The API process that receives a cancel may not be the one
 * running the run, so a cancel is both remembered (a key read when a worker starts the job, so a
 * queued or handed-back run starts cancelled) and announced (pub/sub, so the worker running it
 * aborts at once). Classic pub/sub is broadcast to every node of a cluster.
 */
import type { CancelAction } from "../../../lib/contracts/execution.js";
import type { QueueConnection } from "./connection.js";

/** How long a remembered cancel outlives the request (covers runs queued behind a long backlog). */
const CANCEL_MEMORY_MS = 24 * 60 * 60 * 1000;

/** Keys and channel of the cancel channel, under the queue's hash-tagged prefix. */
export function cancelKeys(queuePrefix: string): { channel: string; key: (runId: string) => string } {
  return { channel: `${queuePrefix}:cancel`, key: (runId) => `${queuePrefix}:cancel:${runId}` };
}

/** Remembers and announces the cancel of `runId`. */
export async function publishCancel(connection: QueueConnection, queuePrefix: string, runId: string, action: CancelAction): Promise<void> {
  const keys = cancelKeys(queuePrefix);
  await connection.set(keys.key(runId), action, "PX", CANCEL_MEMORY_MS);
  await connection.publish(keys.channel, JSON.stringify({ runId, action }));
}

/** The remembered cancel of `runId`, if any. */
export async function rememberedCancel(connection: QueueConnection, queuePrefix: string, runId: string): Promise<CancelAction | undefined> {
  const value = await connection.get(cancelKeys(queuePrefix).key(runId));
  return value === "interrupt" || value === "rollback" ? value : undefined;
}

/** Forgets the cancel of a run that has ended. */
export async function forgetCancel(connection: QueueConnection, queuePrefix: string, runId: string): Promise<void> {
  await connection.del(cancelKeys(queuePrefix).key(runId));
}

/** Subscribes a dedicated connection to cancels; returns a function that unsubscribes and closes it. */
export async function subscribeCancels(
  subscriber: QueueConnection,
  queuePrefix: string,
  onCancel: (runId: string, action: CancelAction) => void,
): Promise<() => Promise<void>> {
  const { channel } = cancelKeys(queuePrefix);
  subscriber.on("message", (from: string, text: string) => {
    if (from !== channel) return;
    try {
      const { runId, action } = JSON.parse(text) as { runId?: unknown; action?: unknown };
      if (typeof runId === "string" && (action === "interrupt" || action === "rollback")) onCancel(runId, action);
    } catch {
      // Not ours: ignore foreign messages on the channel.
    }
  });
  await subscriber.subscribe(channel);
  return async () => {
    await subscriber.unsubscribe(channel).catch(() => {});
    subscriber.disconnect();
  };
}
