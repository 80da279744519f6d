/**
 * Builds the arguments of the PUT and PUT_WRITES scripts: only channels whose version
 * changed are written, and list-valued channels go through structural sharing.
 */
import {
  WRITES_IDX_MAP,
  type ChannelVersions,
  type Checkpoint,
  type CheckpointMetadata,
  type PendingWrite,
  type SerializerProtocol,
} from "@langchain/langgraph-checkpoint";
import { dump, packTyped, packVersions, packWrite } from "./codec.js";
import { SEP, assertStorableId } from "./keys.js";
import { isShareableList, planListOp, type ListOp, type ListState, type ListStateCache } from "./list-sharing.js";

/** Everything one PUT needs. */
export interface PutInput {
  serde: SerializerProtocol;
  lists: ListStateCache;
  threadId: string;
  ns: string;
  parentId: string;
  checkpoint: Checkpoint;
  metadata: CheckpointMetadata;
  newVersions: ChannelVersions;
  ttlMs: number;
  /** Channels whose remembered list must not be used as a base (a previous attempt went stale). */
  noSharing?: ReadonlySet<string>;
  /** Reads what the parent checkpoint stored for list channels this process has forgotten. */
  recall?: (channels: string[]) => Promise<Map<string, ListState>>;
}

/** The script arguments and the list operations whose outcome the caller remembers. */
export interface PreparedPut {
  args: (string | Buffer)[];
  listOps: ListOp[];
}

/** Serializes a checkpoint for the PUT script. */
export async function preparePut(input: PutInput): Promise<PreparedPut> {
  const { serde, checkpoint, ns, threadId } = input;
  const { channel_values: values, ...skeleton } = checkpoint;
  const blobArgs: (string | Buffer)[] = [];
  const listOps: ListOp[] = [];
  const changed = Object.keys(input.newVersions).filter((channel) => Object.prototype.hasOwnProperty.call(values, channel));
  const recalled = await recallForgotten(input, changed);
  for (const channel of changed) {
    assertStorableId("channel name", channel);
    const value = (values as Record<string, unknown>)[channel];
    const version = String(input.newVersions[channel]);
    if (isShareableList(value)) {
      const previous = input.noSharing?.has(channel) ? undefined : (input.lists.get(threadId, ns, channel) ?? recalled.get(channel));
      listOps.push(await planListOp(serde, previous, channel, version, value));
    } else {
      input.lists.delete(threadId, ns, channel);
      blobArgs.push(channel, version, packTyped("v", await dump(serde, value)));
    }
  }
  const args: (string | Buffer)[] = [
    ns,
    checkpoint.id,
    input.parentId,
    packTyped("", await dump(serde, skeleton)),
    packTyped("", await dump(serde, input.metadata)),
    packVersions(checkpoint.channel_versions),
    String(input.ttlMs),
    String(blobArgs.length / 3),
    ...blobArgs,
    String(listOps.length),
  ];
  for (const op of listOps) {
    args.push(op.channel, op.version, op.baseSeg, String(op.lcp), op.cumAtLcp, String(op.length), String(op.elements.length));
    for (const element of op.elements) args.push(element);
  }
  return { args, listOps };
}

/** The parent's stored lists for list channels this process does not remember (one round trip, rarely). */
async function recallForgotten(input: PutInput, channels: string[]): Promise<Map<string, ListState>> {
  if (!input.recall || !input.parentId) return new Map();
  const values = input.checkpoint.channel_values as Record<string, unknown>;
  const forgotten = channels.filter(
    (channel) => isShareableList(values[channel]) && !input.noSharing?.has(channel) && !input.lists.get(input.threadId, input.ns, channel),
  );
  return forgotten.length ? input.recall(forgotten) : new Map();
}

/**
 * Serializes pending writes as the write triples of the PUT and PUT_WRITES scripts:
 * (ns\0checkpoint\0task\0idx, record, overwrite)*.
 */
export async function preparePutWrites(
  serde: SerializerProtocol,
  ns: string,
  checkpointId: string,
  writes: PendingWrite[],
  taskId: string,
  taskPath: string,
): Promise<(string | Buffer)[]> {
  const args: (string | Buffer)[] = [];
  const prefix = `${ns}${SEP}${checkpointId}${SEP}${taskId}${SEP}`;
  for (let index = 0; index < writes.length; index += 1) {
    const [channel, value] = writes[index]!;
    const special = WRITES_IDX_MAP[channel];
    const idx = special ?? index;
    args.push(`${prefix}${idx}`, packWrite(channel, taskPath, await dump(serde, value)), special === undefined ? "0" : "1");
  }
  return args;
}
