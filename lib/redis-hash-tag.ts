/**
 * Redis Cluster hash tags. Keys whose names carry the same `{tag}` live in one cluster slot, so
 * one script (or MULTI) may touch them all atomically. The saver, the server's records, thread
 * leases and the tool-call ledger tag every key of a thread with the thread's id through this one
 * function, which is what keeps them in the slot of the lease that fences them.
 */

/**
 * The text to put inside a `{…}` hash tag for `id`. An id containing a brace would end the tag
 * early (or start a new one), so such ids, and ids that look like this encoding, are
 * base64url-encoded behind a `~`.
 */
export function hashTag(id: string): string {
  return /[{}]/.test(id) || id.startsWith("~") ? `~${Buffer.from(id).toString("base64url")}` : id;
}
