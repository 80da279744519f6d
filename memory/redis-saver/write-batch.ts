/**
 * Pending writes wait one turn of the event loop before they are sent. In a super-step LangGraph
 * calls putWrites as each task ends and put for the next checkpoint right after, in the same
 * turn, then (durability "sync") waits for both: carried by the put's script, the writes cost
 * no round trip of their own. Writes no put claims by then (a long sibling task, an interrupt,
 * the end of a run) go out on their own, batched per thread, at the next turn.
 */

/** The script arguments of one putWrites call, and who waits for them to be stored. */
interface QueuedWrites {
  args: Promise<(string | Buffer)[]>;
  resolve: () => void;
  reject: (error: unknown) => void;
}

/** Writes claimed by a put: their arguments, and how to tell their callers the outcome. */
export interface ClaimedWrites {
  args: (string | Buffer)[];
  /** Settles every claimed call: stored when `error` is undefined, else failed with it. */
  settle(error?: unknown): void;
}

/** Sends the writes of one thread no put claimed (the PUT_WRITES script). */
export type SendWrites = (threadId: string, fenceToken: string, args: (string | Buffer)[]) => Promise<void>;

/** Queues putWrites calls per thread and fence token until a put claims them or the turn ends. */
export class WriteBatch {
  private readonly queues = new Map<string, { threadId: string; fenceToken: string; entries: QueuedWrites[] }>();
  private scheduled = false;

  constructor(private readonly send: SendWrites) {}

  /** Queues one call's writes; resolves once they are stored (by a put's script or on their own). */
  add(threadId: string, fenceToken: string, args: Promise<(string | Buffer)[]>): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const key = queueKey(threadId, fenceToken);
      let queue = this.queues.get(key);
      if (!queue) this.queues.set(key, (queue = { threadId, fenceToken, entries: [] }));
      queue.entries.push({ args, resolve, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  /** Takes the thread's queued writes (same fence token) for a put to carry; calls whose serialization failed are failed here. */
  async claim(threadId: string, fenceToken: string): Promise<ClaimedWrites | undefined> {
    const key = queueKey(threadId, fenceToken);
    const queue = this.queues.get(key);
    if (!queue) return undefined;
    this.queues.delete(key);
    return collect(queue.entries);
  }

  private flush(): void {
    this.scheduled = false;
    const queues = [...this.queues.values()];
    this.queues.clear();
    for (const queue of queues) {
      void collect(queue.entries).then(async (claimed) => {
        if (claimed.args.length === 0) return claimed.settle();
        try {
          await this.send(queue.threadId, queue.fenceToken, claimed.args);
          claimed.settle();
        } catch (error) {
          claimed.settle(error);
        }
      });
    }
  }
}

async function collect(entries: QueuedWrites[]): Promise<ClaimedWrites> {
  const prepared = await Promise.allSettled(entries.map((entry) => entry.args));
  const args: (string | Buffer)[] = [];
  const waiting: QueuedWrites[] = [];
  prepared.forEach((outcome, index) => {
    if (outcome.status === "rejected") return entries[index]!.reject(outcome.reason);
    args.push(...outcome.value);
    waiting.push(entries[index]!);
  });
  return {
    args,
    settle(error?: unknown) {
      for (const entry of waiting) {
        if (error === undefined) entry.resolve();
        else entry.reject(error);
      }
    },
  };
}

function queueKey(threadId: string, fenceToken: string): string {
  return `${fenceToken}\u0001${threadId}`;
}
