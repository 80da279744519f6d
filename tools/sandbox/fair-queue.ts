/**
 * The waiting line of a worker pool, fair between keys (a run's owner): each key runs at most
 * `perKey` jobs at once, and the next job goes to the waiting key with the fewest jobs running,
 * oldest first among equals. So one client's flood waits behind its own jobs, not in front of
 * everybody else's.
 */

/** Anything queued under a fairness key. */
export interface Keyed {
  readonly key: string;
}

/** Waiting and running jobs per key. */
export class FairQueue<Job extends Keyed> {
  private readonly waiting: Job[] = [];
  private readonly runningByKey = new Map<string, number>();

  constructor(private readonly perKey: number) {}

  /** Jobs waiting, and running. */
  get size(): { waiting: number; running: number } {
    return { waiting: this.waiting.length, running: [...this.runningByKey.values()].reduce((sum, n) => sum + n, 0) };
  }

  /** Queues a job. */
  push(job: Job): void {
    this.waiting.push(job);
  }

  /** Takes a waiting job out of the line (cancelled); false if it was not waiting. */
  remove(job: Job): boolean {
    const index = this.waiting.indexOf(job);
    if (index < 0) return false;
    this.waiting.splice(index, 1);
    return true;
  }

  /** Takes every waiting job out of the line (shutdown). */
  drain(): Job[] {
    return this.waiting.splice(0);
  }

  /** The job to run next (its key under the cap, fewest running, then oldest), without taking it. */
  peek(): Job | undefined {
    let best: Job | undefined;
    let bestRunning = Infinity;
    for (const job of this.waiting) {
      const running = this.runningByKey.get(job.key) ?? 0;
      if (running < this.perKey && running < bestRunning) {
        best = job;
        bestRunning = running;
      }
    }
    return best;
  }

  /** Moves a waiting job to running. */
  start(job: Job): void {
    this.remove(job);
    this.runningByKey.set(job.key, (this.runningByKey.get(job.key) ?? 0) + 1);
  }

  /** A running job ended. */
  finish(job: Job): void {
    const left = (this.runningByKey.get(job.key) ?? 1) - 1;
    if (left > 0) this.runningByKey.set(job.key, left);
    else this.runningByKey.delete(job.key);
  }

  /** How many waiting jobs could start now: per key, its waiting jobs up to its free share. */
  startable(): number {
    const byKey = new Map<string, number>();
    for (const job of this.waiting) byKey.set(job.key, (byKey.get(job.key) ?? 0) + 1);
    let total = 0;
    for (const [key, count] of byKey) total += Math.min(count, Math.max(0, this.perKey - (this.runningByKey.get(key) ?? 0)));
    return total;
  }
}
