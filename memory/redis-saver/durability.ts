/**
 * Tells the operator, once per Redis server and process, when Redis keeps nothing on disk:
 * checkpoints would then not survive a Redis restart.
 */
import type { Logger } from "../../lib/logger.js";
import { isCluster, type RedisConnection } from "../../lib/redis.js";

const warned = new Set<string>();

/** What a server says about its persistence. */
export interface Persistence {
  aof: boolean;
  rdb: boolean;
  known: boolean;
}

/** Reads persistence settings from CONFIG GET, or from INFO where CONFIG is disabled (managed Redis). */
export async function readPersistence(node: RedisConnection): Promise<Persistence> {
  try {
    const config = (await node.configGet(["appendonly", "save"])) as Record<string, string>;
    return { aof: config.appendonly === "yes", rdb: (config.save ?? "").trim() !== "", known: true };
  } catch {
    try {
      const info = String(await node.info("persistence"));
      const aof = /aof_enabled:1/.test(info);
      return { aof, rdb: false, known: aof };
    } catch {
      return { aof: false, rdb: false, known: false };
    }
  }
}

/** Warns (once per server) when neither AOF nor RDB snapshots are on. */
export async function warnIfNotDurable(connection: RedisConnection, logger?: Logger): Promise<void> {
  const nodes: { name: string; client: RedisConnection }[] = isCluster(connection)
    ? await Promise.all(
        connection.masters.map(async (master) => ({
          name: `${master.host}:${master.port}`,
          client: (await connection.nodeClient(master)) as unknown as RedisConnection,
        })),
      )
    : [{ name: serverName(connection), client: connection }];
  for (const node of nodes) {
    if (warned.has(node.name)) continue;
    const persistence = await readPersistence(node.client);
    if (!persistence.known || persistence.aof || persistence.rdb) continue;
    warned.add(node.name);
    const message =
      `Redis at ${node.name} keeps nothing on disk (no AOF, no RDB snapshots): checkpoints will not survive a Redis restart. ` +
      "Run Redis durably with `appendonly yes` and `appendfsync everysec` (see README, 'Running Redis durably').";
    if (logger) logger.warn({ redis: node.name }, message);
    else process.emitWarning(message, { code: "SWITCHBOARD_REDIS_NOT_DURABLE" });
  }
}

function serverName(connection: RedisConnection): string {
  const options = (connection as { options?: { url?: string; socket?: { host?: string; port?: number } } }).options;
  if (options?.url) return new URL(options.url).host;
  return `${options?.socket?.host ?? "127.0.0.1"}:${options?.socket?.port ?? 6379}`;
}
