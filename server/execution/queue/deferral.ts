/**
 * A run that cannot start yet (its thread is held by another run, or by a crashed worker whose
 * lease has not expired): the queue puts the job back for later instead of holding a worker slot.
 * Also thrown when a running run lost its thread lease: it is handed back to be resumed.
 */

/** Thrown by a handler (or a wrapper around it) before the run does any work. */
export class RunDeferredError extends Error {
  constructor(
    message: string,
    /** When to try again. */
    readonly retryAfterMs: number,
    /** Whether the run had started (then the retry counts as an attempt and resumes from its checkpoint). */
    readonly options: { started?: boolean } = {},
  ) {
    super(message);
    this.name = new.target.name;
  }
}
