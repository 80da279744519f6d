/**
 * getDeltaChannelHistory for RedisSaver: the ancestor walk that rebuilds DeltaChannel state
 * runs inside Redis, 500 ancestors per round trip, instead of one getTuple per ancestor.
 * Same contract as BaseCheckpointSaver's default walk.
 */
import type { RunnableConfig } from "@langchain/core/runnables";
import type { CheckpointPendingWrite, DeltaChannelHistory, SerializerProtocol } from "@langchain/langgraph-checkpoint";
import type { RedisConnection } from "../../lib/redis.js";
import { assertStorableId, type SaverKeys } from "./keys.js";
import { decodeValue, decodeWrites } from "./read.js";
import { runScript } from "../../lib/redis-scripts.js";
import { DELTA_HISTORY } from "./scripts.js";

const ANCESTORS_PER_CALL = 500;

/** What the walk needs from the saver. */
export interface DeltaDeps {
  redis: RedisConnection;
  serde: SerializerProtocol;
  keys: SaverKeys;
}

type Step = [Buffer, Buffer[], (Buffer | null)[], [Buffer, Buffer, (Buffer | null)[]?][]];

/** Walks the parent chain of the checkpoint in `config`, collecting writes and seeds per channel. */
export async function readDeltaHistory(
  deps: DeltaDeps,
  threadId: string | undefined,
  options: { config: RunnableConfig; channels: string[] },
): Promise<Record<string, DeltaChannelHistory>> {
  const { config, channels } = options;
  if (channels.length === 0) return {};
  const seeds = new Map<string, unknown>();
  const stepWrites: CheckpointPendingWrite[][] = [];
  if (threadId !== undefined) {
    const ns = assertStorableId("checkpoint_ns", config.configurable?.checkpoint_ns ?? "", { allowEmpty: true });
    const keys = deps.keys.thread(threadId);
    const ctx = { serde: deps.serde, threadId, ns, keys };
    const open = new Set(channels);
    let start = config.configurable?.checkpoint_id ? assertStorableId("checkpoint_id", config.configurable.checkpoint_id) : "";
    let mode = "target";
    for (;;) {
      const args = [ns, start, mode, String(ANCESTORS_PER_CALL), ...open];
      const [cursor, steps] = (await runScript(deps.redis, DELTA_HISTORY, keys, args)) as [Buffer, Step[]];
      for (const [, fields, values, stepSeeds] of steps) {
        stepWrites.push(await decodeWrites(ctx, fields, values));
        for (const raw of stepSeeds) {
          const decoded = await decodeValue(ctx, raw as Parameters<typeof decodeValue>[1]);
          seeds.set(decoded.channel, decoded.value);
          open.delete(decoded.channel);
        }
      }
      const next = cursor.toString();
      if (next === "" || open.size === 0) break;
      start = next;
      mode = "from";
    }
  }
  const result: Record<string, DeltaChannelHistory> = {};
  for (const channel of channels) {
    const writes: CheckpointPendingWrite[] = [];
    for (let index = stepWrites.length - 1; index >= 0; index -= 1) {
      for (const write of stepWrites[index]!) if (write[1] === channel) writes.push(write);
    }
    result[channel] = seeds.has(channel) ? { seed: seeds.get(channel), writes } : { writes };
  }
  return result;
}
