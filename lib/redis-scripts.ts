/**
 * Lua scripts on Redis, the one runner every module uses (saver, store, server records, leases,
 * tool ledger, rate limits). A script is sent by SHA (EVALSHA); its source goes once, when a
 * node does not know it yet (after a restart, a failover, on a new cluster node), and the node
 * caches it from then on. A cluster client routes the call by its first key, so a script's keys
 * must share one slot (give them one hash tag: lib/redis-hash-tag.ts).
 */
import { createHash } from "node:crypto";
import type { CoarseDeadlines } from "./deadlines.js";
import type { RedisConnection } from "./redis.js";

/** A Lua script, known to Redis by the SHA1 of its source (computed on first use, not at import). */
export class RedisScript {
  private digest: string | undefined;

  /** `name` says which script failed in error messages. */
  constructor(
    readonly name: string,
    readonly source: string,
  ) {}

  /** The SHA1 Redis knows the script by. */
  get sha(): string {
    this.digest ??= createHash("sha1").update(this.source).digest("hex");
    return this.digest;
  }
}

/** A script argument; Buffers go as bytes. */
export type ScriptArgument = string | Buffer;

/**
 * Runs `script` with `keys` and `args`: one round trip, or two the first time a node meets the
 * script. `deadlines` bounds the wait when the connection has no per-command timeout.
 */
export async function runScript(
  connection: RedisConnection,
  script: RedisScript,
  keys: readonly string[],
  args: ScriptArgument[],
  deadlines?: CoarseDeadlines,
): Promise<unknown> {
  // node-redis types `keys` as mutable; it only reads them (the saver passes its frozen per-thread keys).
  const options = { keys: keys as string[], arguments: args };
  try {
    const reply = connection.evalSha(script.sha, options);
    return await (deadlines ? deadlines.track(reply, "Redis script") : reply);
  } catch (error) {
    if (!(error instanceof Error) || !error.message.startsWith("NOSCRIPT")) throw error;
    const reply = connection.eval(script.source, options);
    return deadlines ? deadlines.track(reply, "Redis script") : reply;
  }
}
