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
import { isShareableList, planListOp, type ListOp, type ListStateCache } from "./list-sharing.js";

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
  for (const channel of Object.keys(input.newVersions)) {
    assertStorableId("channel name", channel);
    if (!Object.prototype.hasOwnProperty.call(values, channel)) continue;
    const value = (values as Record<string, unknown>)[channel];
    const version = String(input.newVersions[channel]);
    if (isShareableList(value)) {
      const previous = input.noSharing?.has(channel) ? undefined : input.lists.get(threadId, ns, channel);
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

/** Serializes pending writes for the PUT_WRITES script. */
export async function preparePutWrites(
  serde: SerializerProtocol,
  ns: string,
  checkpointId: string,
  writes: PendingWrite[],
  taskId: string,
  taskPath: string,
  ttlMs: number,
): Promise<(string | Buffer)[]> {
  const args: (string | Buffer)[] = [ns, checkpointId, String(ttlMs)];
  for (let index = 0; index < writes.length; index += 1) {
    const [channel, value] = writes[index]!;
    const special = WRITES_IDX_MAP[channel];
    const idx = special ?? index;
    args.push(`${taskId}${SEP}${idx}`, packWrite(channel, taskPath, await dump(serde, value)), special === undefined ? "0" : "1");
  }
  return args;
}
