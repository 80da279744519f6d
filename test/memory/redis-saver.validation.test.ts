/**
 * The official LangGraph checkpointer conformance suite, including the opt-in delta-channel
 * suite, against RedisSaver on the shared Redis. Each checkpointer gets its own key prefix.
 */
import { deltaChannelHistoryTests, validate, type CheckpointSaverTestInitializer } from "@langchain/langgraph-checkpoint-validation";
import { connectRedis } from "../../lib/redis.js";
import { RedisSaver } from "../../memory/index.js";
import { deleteByPrefix, testRedisUrl, uniquePrefix } from "../support/redis.js";

const prefixes = new WeakMap<RedisSaver, { prefix: string; cleanup: () => Promise<void> }>();

const initializer: CheckpointSaverTestInitializer<RedisSaver> = {
  // Not a name on the suite's skip lists: every test runs.
  checkpointerName: "switchboard-redis-saver",
  async createCheckpointer() {
    const connection = await connectRedis({ url: testRedisUrl() });
    const prefix = uniquePrefix("saver-validation");
    const saver = new RedisSaver(connection, { keyPrefix: prefix });
    prefixes.set(saver, { prefix, cleanup: () => deleteByPrefix(connection, prefix) });
    return saver;
  },
  async destroyCheckpointer(saver) {
    await prefixes.get(saver)?.cleanup();
    await saver.end();
  },
};

validate(initializer);
deltaChannelHistoryTests(initializer);
