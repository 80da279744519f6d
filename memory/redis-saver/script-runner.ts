/**
 * Runs the saver's Lua scripts by SHA (EVALSHA) and falls back to sending the source once
 * when a node does not know a script yet (after a restart, a failover, a new cluster node).
 */
import { createHash } from "node:crypto";
import { CoarseDeadlines } from "../../lib/deadlines.js";
import type { RedisConnection } from "../../lib/redis.js";

/** A Lua script with its SHA1, computed on first use. */
export class LuaScript {
  private digest: string | undefined;

  constructor(readonly source: string) {}

  /** The SHA1 Redis knows the script by. */
  get sha(): string {
    this.digest ??= createHash("sha1").update(this.source).digest("hex");
    return this.digest;
  }
}

type Argument = string | Buffer;

/** Evaluates scripts on a connection whose replies map bulk strings to Buffers. */
export async function evalScript(
  connection: RedisConnection,
  script: LuaScript,
  keys: string[],
  args: Argument[],
  deadlines?: CoarseDeadlines,
): Promise<unknown> {
  const bound = <T>(work: Promise<T>) => (deadlines ? deadlines.track(work, "Redis script") : work);
  try {
    return await bound(connection.evalSha(script.sha, { keys, arguments: args }));
  } catch (error) {
    if (!(error instanceof Error) || !error.message.startsWith("NOSCRIPT")) throw error;
    return bound(connection.eval(script.source, { keys, arguments: args }));
  }
}
