/**
 * The few Redis commands the RedisStore sends, over a single node or a cluster alike: scripts by
 * EVALSHA with a fallback to EVAL when the server has not cached them (after a restart, a failover
 * or on a cluster node seen for the first time), and the registry commands. Replies of scripts
 * come back as Buffers so stored vectors stay binary.
 */
import { createHash } from "node:crypto";
import { ErrorReply, RESP_TYPES } from "redis";
import { DataCorruptionError, UpstreamUnavailableError } from "../../lib/errors.js";
import type { RedisConnection } from "../../lib/redis.js";

/** A Lua script and its SHA1, computed once. */
export interface LuaScript {
  name: string;
  source: string;
  sha: string;
}

/** Prepares a script for EVALSHA. */
export function luaScript(name: string, source: string): LuaScript {
  return { name, source, sha: createHash("sha1").update(source).digest("hex") };
}

type Arg = string | Buffer;
interface EvalOptions {
  keys: string[];
  arguments: Arg[];
}

// node-redis types the client and the cluster with different generics; both share these methods.
interface ScriptingConnection {
  evalSha(sha: string, options: EvalOptions): Promise<unknown>;
  eval(script: string, options: EvalOptions): Promise<unknown>;
}
interface RegistryConnection {
  zAdd(key: string, members: { score: number; value: string }[], options?: { condition: "NX" }): Promise<unknown>;
  zRangeByLex(key: string, min: string, max: string): Promise<string[]>;
  hGetAll(key: string): Promise<Record<string, string>>;
  hSet(key: string, fields: Record<string, string>): Promise<unknown>;
}

/** Redis access for one store; wraps failures in Switchboard's error family. */
export class StoreCommands {
  private readonly binary: ScriptingConnection;
  private readonly plain: RegistryConnection;

  constructor(connection: RedisConnection) {
    const typed = connection as unknown as { withTypeMapping(mapping: object): ScriptingConnection };
    this.binary = typed.withTypeMapping({ [RESP_TYPES.BLOB_STRING]: Buffer });
    this.plain = connection as unknown as RegistryConnection;
  }

  /** Runs a script on the namespace whose keys are given; EVALSHA first, EVAL when not cached. */
  async run(script: LuaScript, keys: string[], args: Arg[]): Promise<unknown> {
    const options = { keys, arguments: args };
    try {
      return await this.binary.evalSha(script.sha, options);
    } catch (error) {
      if (!(error instanceof ErrorReply && error.message.startsWith("NOSCRIPT"))) throw this.wrap(error, script.name);
    }
    try {
      return await this.binary.eval(script.source, options);
    } catch (error) {
      throw this.wrap(error, script.name);
    }
  }

  /** Adds namespaces to the registry (idempotent). */
  async register(registry: string, members: string[]): Promise<void> {
    if (members.length === 0) return;
    await this.call("register", () =>
      this.plain.zAdd(registry, members.map((value) => ({ score: 0, value })), { condition: "NX" }),
    );
  }

  /** Registry members between two ZRANGEBYLEX bounds. */
  async registered(registry: string, min: string, max: string): Promise<string[]> {
    return this.call("listNamespaces", () => this.plain.zRangeByLex(registry, min, max));
  }

  /** Reads a small hash. */
  async readHash(key: string): Promise<Record<string, string>> {
    return this.call("setup", () => this.plain.hGetAll(key));
  }

  /** Writes fields of a small hash. */
  async writeHash(key: string, fields: Record<string, string>): Promise<void> {
    await this.call("setup", () => this.plain.hSet(key, fields));
  }

  private async call<T>(operation: string, command: () => Promise<T>): Promise<T> {
    try {
      return await command();
    } catch (error) {
      throw this.wrap(error, operation);
    }
  }

  private wrap(error: unknown, operation: string): Error {
    const where = `RedisStore.${operation}`;
    if (error instanceof ErrorReply) {
      if (error.message.includes("hash collision")) return new DataCorruptionError(where, error.message, { cause: error });
      return new UpstreamUnavailableError("redis", where, `Redis refused ${where}: ${error.message}`, { cause: error });
    }
    const message = error instanceof Error ? error.message : String(error);
    return new UpstreamUnavailableError("redis", where, `Redis is unreachable during ${where}: ${message}. Retry once it is back.`, {
      cause: error,
    });
  }
}
