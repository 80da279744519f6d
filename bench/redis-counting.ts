/** Private redis-servers for the benches that count Redis commands (counting: test/support/redis-cost.ts). */
import { startRedisServer, type RedisProcess } from "../test/support/redis.js";

export { countRedisCost, type RedisCost } from "../test/support/redis-cost.js";

/** A private redis-server on a port below the ephemeral range (tries a few). */
export async function startPrivateRedis(): Promise<RedisProcess> {
  let lastError: unknown;
  for (let attempt = 0; attempt < 10; attempt += 1) {
    const port = 30_400 + Math.floor(Math.random() * 2_000);
    try {
      return await startRedisServer(port);
    } catch (error) {
      lastError = error;
    }
  }
  throw lastError;
}

