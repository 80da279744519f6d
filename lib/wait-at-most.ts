/**
 * Waiting for something for a while without cancelling it: a shutdown that gives a stuck start
 * one second, a listing that does not hold its caller past a deadline. The awaited work goes on
 * either way; only the wait ends.
 */

/** What `waitAtMost` gives when the time ran out first. */
export const TIMED_OUT: unique symbol = Symbol("timed out");

/** `work`'s value (or its rejection) when it settles within `ms`, else `TIMED_OUT`; the timer is cleared either way. */
export async function waitAtMost<T>(work: Promise<T>, ms: number): Promise<T | typeof TIMED_OUT> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<typeof TIMED_OUT>((resolve) => (timer = setTimeout(resolve, ms, TIMED_OUT)));
  try {
    return await Promise.race([work, late]);
  } finally {
    clearTimeout(timer);
  }
}
