/**
 * The few Redis commands the RedisStore sends, over a single node or a cluster alike: scripts
 * (through lib's EVALSHA-then-EVAL runner) and the registry commands. Replies of scripts
 * come back as Buffers so stored vectors stay binary.
 */
import { ErrorReply, RESP_TYPES } from "redis";
import { DataCorruptionError, UpstreamUnavailableError } from "../../lib/errors.js";
import type { RedisConnection } from "../../lib/redis.js";
import { runScript, type RedisScript, type ScriptArgument } from "../../lib/redis-scripts.js";

// node-redis types the client and the cluster with different generics; both share these methods.
interface RegistryConnection {
  zAdd(key: string, members: { score: number; value: string }[], options?: { condition: "NX" }): Promise<unknown>;
  zRangeByLex(key: string, min: string, max: string): Promise<string[]>;
  hGetAll(key: string): Promise<Record<string, string>>;
  hSet(key: string, fields: Record<string, string>): Promise<unknown>;
}

/** Redis access for one store; wraps failures in Switchboard's error family. */
export class StoreCommands {
  private readonly binary: RedisConnection;
  private readonly plain: RegistryConnection;

  constructor(connection: RedisConnection) {
    this.binary = connection.withTypeMapping({ [RESP_TYPES.BLOB_STRING]: Buffer }) as unknown as RedisConnection;
    this.plain = connection as unknown as RegistryConnection;
  }

  /** Runs a script on the namespace whose keys are given; EVALSHA first, EVAL when not cached. */
  async run(script: RedisScript, keys: string[], args: ScriptArgument[]): Promise<unknown> {
    try {
      return await runScript(this.binary, script, keys, args);
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
