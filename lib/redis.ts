/**
 * Redis connections for every module (saver, store, server, rate limits): one place that
 * knows how to open a single node or a cluster, how to reconnect, and how to fail fast
 * while Redis is away instead of queueing commands forever.
 */
import { createClient, createCluster, type RedisClientType, type RedisClusterType } from "redis";
import type { RedisTarget } from "./env.js";
import { ConfigError, UpstreamUnavailableError } from "./errors.js";
import { silentLogger, type Logger } from "./logger.js";

/** A connected node-redis client: a single node or a cluster. */
// node-redis' generics differ between client and cluster; callers only use the shared command surface.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type RedisConnection = RedisClientType<any, any, any, any, any> | RedisClusterType<any, any, any, any, any>;

/** How to reach Redis. */
export interface RedisConnectOptions {
  /** `redis://` or `rediss://` URL of a single node (or a proxy in front of a cluster). */
  url?: string;
  /** Seed nodes of a Redis Cluster, as `host:port`; takes precedence over `url`. */
  clusterNodes?: string[];
  /** Connection name shown by `CLIENT LIST`, e.g. `switchboard-saver`. */
  name?: string;
  /** Where connection errors are reported; reconnects are automatic. */
  logger?: Logger;
  /** Milliseconds to wait for the first connection before giving up. */
  connectTimeoutMs?: number;
  /** Milliseconds a command may wait for its reply (default 30 s; node-redis' own default, 5 s, fails runs on a busy host). */
  commandTimeoutMs?: number;
}

const MAX_RECONNECT_DELAY_MS = 2_000;

/** Backoff between reconnect attempts: doubling from 50 ms, capped, with jitter so replicas do not stampede. */
export function reconnectDelay(retries: number): number {
  const base = Math.min(MAX_RECONNECT_DELAY_MS, 50 * 2 ** Math.min(retries, 10));
  return Math.round(base / 2 + Math.random() * (base / 2));
}

/** Parses `host:port` seed nodes into node-redis root node options. */
export function parseClusterNodes(nodes: string[]): { url: string }[] {
  return nodes.map((node) => {
    const trimmed = node.trim();
    if (!/^[^\s:]+:\d{1,5}$/.test(trimmed)) {
      throw new ConfigError(`Redis cluster node '${node}' is not host:port.`, { setting: "REDIS_CLUSTER_NODES" });
    }
    return { url: `redis://${trimmed}` };
  });
}

/** Opens a connection (single node or cluster) and waits until it is ready. */
export async function connectRedis(options: RedisConnectOptions): Promise<RedisConnection> {
  const logger = options.logger ?? silentLogger();
  const socket = {
    connectTimeout: options.connectTimeoutMs ?? 5_000,
    reconnectStrategy: reconnectDelay,
  };
  // Offline queue off: while Redis is away a command fails at once with a clear error
  // instead of hanging until Redis returns; callers retry or report 503.
  const clientOptions = {
    socket,
    disableOfflineQueue: true,
    commandOptions: { timeout: options.commandTimeoutMs ?? 30_000 },
    ...(options.name ? { name: options.name } : {}),
  };
  let connection: RedisConnection;
  if (options.clusterNodes && options.clusterNodes.length > 0) {
    connection = createCluster({ rootNodes: parseClusterNodes(options.clusterNodes), defaults: clientOptions });
  } else if (options.url) {
    connection = createClient({ url: options.url, ...clientOptions });
  } else {
    throw new ConfigError("No Redis configured: set REDIS_URL or REDIS_CLUSTER_NODES.", { setting: "REDIS_URL" });
  }
  let lastReport = 0;
  connection.on("error", (error: Error) => {
    // node-redis emits an error per failed reconnect; report at most once per 5 s.
    const now = Date.now();
    if (now - lastReport > 5_000) {
      lastReport = now;
      logger.warn({ err: error }, "redis connection error; reconnecting");
    }
  });
  try {
    await connection.connect();
  } catch (error) {
    await connection.destroy?.();
    const where = options.clusterNodes?.join(",") ?? redactUrl(options.url ?? "");
    throw new UpstreamUnavailableError("redis", "connect", `Cannot connect to Redis at ${where}: ${(error as Error).message}.`, {
      cause: error,
    });
  }
  return connection;
}

/** Connects to `target` (the environment's `redis`); undefined when no Redis is configured (the embedded mode). */
export async function openRedis(target: RedisTarget | undefined, options: Omit<RedisConnectOptions, "url" | "clusterNodes"> = {}): Promise<RedisConnection | undefined> {
  return target ? connectRedis({ ...options, ...target }) : undefined;
}

/** Where a target points, for messages: the cluster's seed nodes, or the URL without its password. */
export function describeRedis(target: RedisTarget): string {
  return target.clusterNodes ? `cluster ${target.clusterNodes.join(",")}` : redactUrl(target.url);
}

/** Whether a connection is a cluster client. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function isCluster(connection: RedisConnection): connection is RedisClusterType<any, any, any, any, any> {
  return "masters" in connection;
}

/** Hides the password of a Redis URL before it is logged or shown. */
export function redactUrl(url: string): string {
  return url.replace(/\/\/([^:@/]*):([^@/]*)@/, "//$1:***@");
}

// node-redis (ClientClosedError, …), ioredis (MaxRetriesPerRequestError, ClusterAllFailedError) and our own deadlines.
const UNAVAILABLE_ERROR_NAMES = new Set([
  "ClientClosedError",
  "ClientOfflineError",
  "SocketClosedUnexpectedlyError",
  "ConnectionTimeoutError",
  "ReconnectStrategyError",
  "SocketTimeoutError",
  "MaxRetriesPerRequestError",
  "ClusterAllFailedError",
  "DeadlineExceededError",
]);
// Messages of clients that throw plain Errors: node-redis, ioredis ("Stream isn't writeable and
// enableOfflineQueue options is false", "Connection is closed."), BullMQ's "Connection is closed".
const UNAVAILABLE_MESSAGE = /The client is (closed|offline)|Socket closed unexpectedly|Connection timeout|offline queue|enableOfflineQueue|Stream isn't writeable|Connection is closed|max retries per request|None of startup nodes is available|Failed to refresh slots cache|ECONNREFUSED|ECONNRESET/i;
const UNAVAILABLE_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EPIPE", "ENOTCONN"]);

/**
 * Whether an error means Redis is unreachable or not answering (any client: node-redis, BullMQ's
 * ioredis, a deadline), as opposed to a bad command: the caller should be told 503 and retry.
 */
export function isRedisUnavailableError(error: unknown): boolean {
  for (let current = error as { name?: string; code?: string; message?: string; cause?: unknown } | undefined, depth = 0; current && depth < 5; current = current.cause as typeof current, depth++) {
    if (current instanceof UpstreamUnavailableError) return true;
    if (current.name && UNAVAILABLE_ERROR_NAMES.has(current.name)) return true;
    if (UNAVAILABLE_ERROR_NAMES.has((current as object).constructor?.name ?? "")) return true;
    if (typeof current.code === "string" && UNAVAILABLE_CODES.has(current.code)) return true;
    if (typeof current.message === "string" && UNAVAILABLE_MESSAGE.test(current.message)) return true;
  }
  return false;
}
