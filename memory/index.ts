/**
 * Switchboard's memory module: checkpoint persistence (RedisSaver) and, as they land,
 * long-term memory and context management. Uses only lib/.
 */
export { RedisSaver, type RedisSaverOptions, type TTLConfig } from "./redis-saver/saver.js";
export { createCheckpointer, type ConfiguredCheckpointer } from "./checkpointer.js";
export { FENCE_CONFIG_KEY } from "./redis-saver/saver.js";
export { ThreadLeases, type ThreadLease } from "./redis-saver/leases.js";
