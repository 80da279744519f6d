/**
 * One active run per thread across every process, and no writes from a worker that lost its run.
 * Wraps a `RunHandler`: before the run starts, its worker takes the thread's lease from the
 * checkpointer's fencing capability (`FencedCheckpointing`) and hands the run the checkpointer
 * fenced by that lease, which refuses checkpoint writes once the lease has expired or moved.
 * While the run executes the lease is renewed; when a renewal fails the run is stopped and
 * handed back to the queue.
 *
 * A thread held by another run (the `enqueue` multitask strategy across replicas), or still held by
 * a crashed worker whose lease has not expired, defers the job instead of blocking a worker slot.
 */
import { LeaseLostError } from "../../../lib/errors.js";
import { linkedAbort } from "../../../lib/linked-abort.js";
import { silentLogger, type Logger } from "../../../lib/logger.js";
import { RunDeferredError } from "../queue/deferral.js";
import type { FencedCheckpointing, RunHandler, RunJobContext, ThreadLease } from "../../../lib/contracts/execution.js";

/** Settings of the thread-lease wrapper. */
export interface ThreadLeaseOptions {
  /** The checkpointer's fencing: its leases, and the checkpointer each leased run writes through. */
  checkpointing: FencedCheckpointing;
  /** Identity of this worker process; the lease holder is `<runId>@<workerId>`. */
  workerId: string;
  /** Lease time to live; renewed every third of it (default 15 s). */
  ttlMs?: number;
  /** How long to wait before retrying a run whose thread is busy (default 500 ms). */
  busyRetryMs?: number;
  /** Extra `configurable` entries for every run (e.g. the tool-call ledger). */
  configurable?: Record<string, unknown>;
  /** Extra `configurable` entries bound to the run's lease (e.g. a ledger fenced by its token); override `configurable`. */
  leasedConfigurable?: (lease: ThreadLease) => Record<string, unknown>;
  logger?: Logger;
}

/** Wraps `handler` with a renewed, fenced thread lease; see the module comment. */
export function withThreadLease(handler: RunHandler, options: ThreadLeaseOptions): RunHandler {
  const ttlMs = options.ttlMs ?? 15_000;
  const { leases } = options.checkpointing;
  const logger = options.logger ?? silentLogger();
  return async (job, context) => {
    const configurable = { ...context.configurable, ...options.configurable };
    // Stateless runs are not leased: their temporary thread is deleted after the run, but its
    // fencing counter would stay behind (one key per run). The queue's job lock still guards them.
    if (!job.threadId) return handler(job, { ...context, configurable });
    const threadId = job.threadId;
    const holder = `${job.runId}@${options.workerId}`;
    const lease = await leases.acquire(threadId, holder, ttlMs);
    if (!lease) {
      const current = await leases.holder(threadId);
      const ownStale = current?.holder.startsWith(`${job.runId}@`) ?? false;
      // Our own run, held by a crashed worker: retry once its lease can have expired.
      throw new RunDeferredError(
        ownStale ? `run ${job.runId}: waiting for the lease of a previous worker to expire` : `thread ${threadId} is busy with another run`,
        ownStale ? Math.max(250, Math.round(ttlMs / 4)) : (options.busyRetryMs ?? 500),
      );
    }
    const lost = new AbortController();
    let lastRenewed = Date.now();
    const renew = async () => {
      try {
        const renewed = await leases.renew(lease, ttlMs);
        // Letting go began meanwhile: a lease the release deleted is no lost lease.
        if (released) return;
        if (renewed) lastRenewed = Date.now();
        else lost.abort();
      } catch (error) {
        if (released) return;
        // Redis away: keep the run going while the lease may still be ours; writes are fenced anyway.
        logger.debug({ err: error, runId: job.runId }, "lease renewal failed; retrying");
        if (Date.now() - lastRenewed > ttlMs) lost.abort();
      }
    };
    const timer = setInterval(() => void renew(), Math.max(100, Math.round(ttlMs / 3)));
    let released: Promise<boolean> | undefined;
    const releaseThread = (): Promise<boolean> => {
      released ??= (async () => {
        clearInterval(timer);
        if (lost.signal.aborted) return false;
        try {
          if (await leases.release(lease)) return true;
          lost.abort();
          return false;
        } catch (error) {
          // Redis away: the lease expires by itself; every write of the run was accepted under it.
          logger.debug({ err: error, runId: job.runId }, "lease release failed; it will expire");
          return true;
        }
      })();
      return released;
    };
    // The handler's final write lets go of the lease itself; the wrapper only hears how it went.
    let settleWithin: ((released: boolean) => void) | undefined;
    const releaseThreadWithin = () => {
      if (released || lost.signal.aborted) return undefined;
      // Renewals go on until the final write has let go (the trace may be written first).
      released = new Promise<boolean>((resolve) => {
        settleWithin = (ok) => {
          settleWithin = undefined;
          clearInterval(timer);
          if (!ok) lost.abort();
          resolve(ok);
        };
      });
      return { fence: options.checkpointing.fence(lease), settled: (ok: boolean) => settleWithin?.(ok) };
    };
    // Not AbortSignal.any: see lib/linked-abort.ts (it kept every finished run in the heap).
    const runSignal = linkedAbort([context.signal, lost.signal]);
    const leaseContext: RunJobContext = {
      signal: runSignal.signal,
      attempt: context.attempt,
      abortReason: () => (lost.signal.aborted ? { kind: "shutdown" } : context.abortReason()),
      configurable: { ...configurable, ...options.leasedConfigurable?.(lease) },
      checkpointer: options.checkpointing.fenced(lease),
      releaseThread,
      releaseThreadWithin,
    };
    const handBack = () => {
      logger.warn({ runId: job.runId, threadId }, "thread lease lost mid-run; handing the run back");
      return new RunDeferredError(`run ${job.runId} lost its thread lease`, 0, { started: true });
    };
    try {
      const status = await handler(job, leaseContext).catch((error: unknown) => {
        if (error instanceof LeaseLostError) lost.abort();
        throw lost.signal.aborted ? handBack() : error;
      });
      // A fenced write may have ended the run before the renewal timer noticed: check once more
      // (the handler checked already when it let go of the thread itself).
      if (!released && !lost.signal.aborted) await renew();
      if (lost.signal.aborted && !context.signal.aborted) throw handBack();
      return status;
    } finally {
      // A handover the handler never settled (it failed before its final write): release as usual.
      if (settleWithin) {
        const settle = settleWithin;
        settle(await leases.release(lease).catch(() => true));
      }
      await releaseThread();
      runSignal.dispose();
    }
  };
}
