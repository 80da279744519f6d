/**
 * Runs executed by the process that received them, without a hop through BullMQ (the hop costs a
 * worker wake-up and three queue scripts per run). Each such run is registered first in a sorted
 * set in the queue's slot, scored by a deadline this process keeps pushing forward. If the process
 * dies, its deadlines pass, and any live worker's sweep hands those runs to BullMQ as takeovers,
 * so a local run is as recoverable as a queued one (the thread lease still fences the old writer).
 * Entries of ended runs leave in one ZREM per batch (issue 20: a command per run less), at the
 * latest on the next renewal, well before their deadline: an entry outliving its run could only
 * be handed over as a takeover of an ended run, which the handler skips.
 */
import type { Logger } from "../../../lib/logger.js";
import type { RunJob } from "../../../lib/contracts/execution.js";
import type { QueueConnection } from "./connection.js";

/** How many expired runs one sweep hands over at most. */
const SWEEP_BATCH = 100;
/** How long ended runs' entries wait to leave together (capped by a quarter of the lease). */
const RELEASE_BATCH_MS = 1_000;

/** The registry of runs executing in their receiving process; see the module comment. */
export class LocalRunRegistry {
  private readonly key: string;
  /** Registered runs of this process: run id → sorted-set member. */
  private readonly mine = new Map<string, string>();
  /** Members of ended runs not removed yet. */
  private readonly leaving = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private removal: NodeJS.Timeout | undefined;

  constructor(
    /** The queue's connection once it is ready (BullMQ's `queue.client`). */
    private readonly client: () => Promise<QueueConnection>,
    queuePrefix: string,
    private readonly options: {
      /** How long a registered run survives without a renewal. */
      leaseMs: number;
      /** Hands an expired run (its process died) to the shared queue. */
      takeOver: (job: RunJob) => Promise<void>;
      logger: Logger;
    },
  ) {
    this.key = localRunsKey(queuePrefix);
  }

  /** Records that this process runs `job` now; resolves once Redis has it, so a crash from here on is recovered. */
  async register(job: RunJob): Promise<void> {
    const member = localRunMember(job);
    await (await this.client()).zadd(this.key, Date.now() + this.options.leaseMs, member);
    this.mine.set(job.runId, member);
  }

  /** Forgets a run that ended here or was handed to the shared queue; its entry leaves with the next batch. */
  release(runId: string): void {
    const member = this.mine.get(runId);
    if (member === undefined) return;
    this.mine.delete(runId);
    this.leaving.add(member);
    this.removal ??= setTimeout(() => void this.removeReleased(), Math.min(RELEASE_BATCH_MS, Math.round(this.options.leaseMs / 4)));
  }

  /** Removes the released runs' entries in one command; on failure they wait for the next attempt. */
  async removeReleased(): Promise<void> {
    clearTimeout(this.removal);
    this.removal = undefined;
    if (this.leaving.size === 0) return;
    const members = [...this.leaving];
    this.leaving.clear();
    try {
      await (await this.client()).zrem(this.key, ...members);
    } catch (error) {
      for (const member of members) this.leaving.add(member);
      throw error;
    }
  }

  /**
   * Stops renewing a run this process could not settle (Redis away when it ended): its entry
   * expires and a sweep, this process's included, hands it to the queue once Redis is back.
   */
  abandon(runId: string): void {
    this.mine.delete(runId);
  }

  /** Starts renewing this process's runs and sweeping other processes' expired ones. */
  start(): void {
    this.timer ??= setInterval(() => void this.tick(), Math.max(100, Math.round(this.options.leaseMs / 3)));
    this.timer.unref();
  }

  /** Stops the timer and removes the released runs' entries (registered runs expire unless released). */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.removeReleased().catch((error: unknown) => this.options.logger.debug({ err: error }, "ended local runs not removed from the registry; they expire"));
  }

  /** One renewal and one sweep; exposed for tests. */
  async tick(): Promise<void> {
    try {
      await this.removeReleased();
      const connection = await this.client();
      if (this.mine.size > 0) {
        const deadline = Date.now() + this.options.leaseMs;
        // XX: a run released meanwhile is not brought back.
        await connection.zadd(this.key, "XX", ...[...this.mine.values()].flatMap((member) => [deadline, member]));
      }
      const expired = await connection.zrangebyscore(this.key, "-inf", Date.now(), "LIMIT", 0, SWEEP_BATCH);
      for (const member of expired) {
        const job = parseMember(member);
        if (!job || this.mine.has(job.runId)) continue;
        // Queue first, then forget: a sweeper dying in between leaves the entry for the next sweep
        // (the queue ignores a second add of the same run id).
        await this.options.takeOver(job);
        await connection.zrem(this.key, member);
        this.options.logger.warn({ runId: job.runId, threadId: job.threadId }, "a run's process stopped renewing it; handed to the queue for takeover");
      }
    } catch (error) {
      this.options.logger.debug({ err: error }, "local run registry tick failed; retrying on the next one");
    }
  }
}

function parseMember(member: string): RunJob | undefined {
  try {
    const parsed = JSON.parse(member) as RunJob;
    return typeof parsed.runId === "string" ? { runId: parsed.runId, threadId: parsed.threadId ?? null, owner: parsed.owner } : undefined;
  } catch {
    return undefined;
  }
}

/** The sorted set of runs executing in their receiving process. */
export function localRunsKey(queuePrefix: string): string {
  return `${queuePrefix}:local`;
}

/** A run's member in that set. */
export function localRunMember(job: RunJob): string {
  return JSON.stringify({ runId: job.runId, threadId: job.threadId, owner: job.owner });
}

/** Whether some process has `job` registered as running locally (its entry may be expired but not yet swept). */
export async function isRegisteredLocally(connection: QueueConnection, queuePrefix: string, job: RunJob): Promise<boolean> {
  return (await connection.zscore(localRunsKey(queuePrefix), localRunMember(job))) !== null;
}
