/**
 * The queue's Redis connections. BullMQ speaks ioredis, so ioredis stays inside server/execution/queue/;
 * everything else in Switchboard uses node-redis (lib/redis.ts). Same settings: one URL or
 * cluster seed nodes, reconnect with the same capped, jittered backoff.
 */
import { Cluster, Redis } from "ioredis";
import { ConfigError } from "../../../lib/errors.js";
import { parseClusterNodes, reconnectDelay } from "../../../lib/redis.js";

/** Where the queue's Redis is: the same variables as the rest of Switchboard. */
export interface QueueRedisOptions {
  /** `redis://` URL of a single node. */
  url?: string;
  /** Cluster seed nodes (`host:port`); take precedence over `url`. */
  clusterNodes?: string[];
  /** Connection name shown by `CLIENT LIST`. */
  name?: string;
}

/** An ioredis connection (single node or cluster), as BullMQ accepts it. */
export type QueueConnection = Redis | Cluster;

/**
 * Opens an ioredis connection. `role: "worker"` connections retry commands forever while Redis is
 * away (BullMQ requires it for blocking reads); `role: "producer"` connections fail at once so the
 * API can answer 503 instead of hanging.
 */
export function openQueueConnection(options: QueueRedisOptions, role: "worker" | "producer"): QueueConnection {
  const common = {
    retryStrategy: (times: number) => reconnectDelay(times),
    maxRetriesPerRequest: role === "worker" ? null : 1,
    enableOfflineQueue: role === "worker",
    connectionName: options.name ?? `switchboard-queue-${role}`,
    lazyConnect: false,
  };
  if (options.clusterNodes && options.clusterNodes.length > 0) {
    const nodes = parseClusterNodes(options.clusterNodes).map(({ url }) => {
      const parsed = new URL(url);
      return { host: parsed.hostname, port: Number(parsed.port) };
    });
    return new Cluster(nodes, {
      redisOptions: common,
      clusterRetryStrategy: (times: number) => reconnectDelay(times),
      enableOfflineQueue: role === "worker",
      enableReadyCheck: true,
    });
  }
  if (!options.url) throw new ConfigError("The run queue needs Redis: set REDIS_URL or REDIS_CLUSTER_NODES.", { setting: "REDIS_URL" });
  return new Redis(options.url, common);
}

/** Waits until a connection is ready (or fails after `timeoutMs`). */
export async function waitUntilReady(connection: QueueConnection, timeoutMs = 10_000): Promise<void> {
  if (connection.status === "ready") return;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`Redis for the run queue did not become ready within ${timeoutMs} ms`));
    }, timeoutMs);
    const onReady = () => {
      cleanup();
      resolve();
    };
    const cleanup = () => {
      clearTimeout(timer);
      connection.off("ready", onReady);
    };
    connection.on("ready", onReady);
  });
}
