/**
 * Turns the LOAD and DELTA_HISTORY script replies into LangGraph's shapes.
 */
import {
  compareWritesSortKeys,
  writesSortKey,
  type Checkpoint,
  type CheckpointMetadata,
  type CheckpointPendingWrite,
  type CheckpointTuple,
  type SerializerProtocol,
} from "@langchain/langgraph-checkpoint";
import { corrupt, load, unpackTyped, unpackWrite } from "./codec.js";
import { SEP } from "./keys.js";
import { CUM_LENGTH, type ListState } from "./list-sharing.js";

/** Where to report a problem, and how to decode. */
export interface ReadContext {
  serde: SerializerProtocol;
  threadId: string;
  ns: string;
  /** The thread's keys, in keys.ts order, for error messages. */
  keys: string[];
}

/** A stored channel value: `[channel, blob]` or `[channel, blob, elements]`. */
type RawValue = [Buffer, Buffer, (Buffer | null)[]?];

/** A channel value as decoded, with the list state to remember when it is a list. */
export interface DecodedValue {
  channel: string;
  value: unknown;
  list?: ListState;
}

/** Decodes a `[channel, blob, elements?]` reply. */
export async function decodeValue(ctx: ReadContext, raw: RawValue, version?: string | number): Promise<DecodedValue> {
  const channel = raw[0].toString();
  const blob = raw[1];
  const field = `${ctx.ns}${SEP}${channel}${version === undefined ? "" : `${SEP}${version}`}`;
  const where = `${ctx.keys[3]} field ${JSON.stringify(field)}`;
  if (blob[0] === 0x76 /* v */) return { channel, value: await load(ctx.serde, unpackTyped(blob, 1, where), where) };
  if (blob[0] !== 0x6c /* l */) throw corrupt(where, "unknown value tag");
  const ref = blob.toString("utf8", 1);
  const colon = ref.indexOf(":");
  const seg = ref.slice(0, colon);
  const len = Number(ref.slice(colon + 1));
  const elements = raw[2] ?? [];
  if (colon < 0 || !Number.isInteger(len) || elements.length !== len) {
    throw corrupt(`${ctx.keys[7]} segment ${seg}`, `list of ${len} elements has ${elements.length} stored`);
  }
  const items: unknown[] = new Array(len);
  const cums: string[] = new Array(len);
  for (let index = 0; index < len; index += 1) {
    const element = elements[index];
    const elementWhere = `${ctx.keys[7]} field ${JSON.stringify(`${seg}:${index}`)}`;
    if (!element || element.length <= CUM_LENGTH) throw corrupt(elementWhere, "missing list element");
    cums[index] = element.toString("latin1", 0, CUM_LENGTH);
    items[index] = await load(ctx.serde, unpackTyped(element, CUM_LENGTH, elementWhere), elementWhere);
  }
  return { channel, value: items, list: { seg, len, items, cums } };
}

/** A pending write as stored, with the fields it sorts by. */
interface StoredWrite {
  taskId: string;
  idx: number;
  taskPath: string;
  channel: string;
  value: () => Promise<unknown>;
}

/** Decodes writes (`<ns>\0<id>\0<task>\0<idx>` fields) in LangGraph's `writesSortKey` order. */
export async function decodeWrites(ctx: ReadContext, fields: Buffer[], values: (Buffer | null)[]): Promise<CheckpointPendingWrite[]> {
  const stored: StoredWrite[] = [];
  for (let i = 0; i < fields.length; i += 1) {
    const field = fields[i]!.toString();
    const raw = values[i];
    if (!raw) continue; // indexed but not stored: the write's hash field expired first
    const parts = field.split(SEP);
    const where = `${ctx.keys[4]} field ${JSON.stringify(field)}`;
    if (parts.length < 4) throw corrupt(where, "malformed write field");
    const record = unpackWrite(raw, where);
    stored.push({
      taskId: parts[parts.length - 2]!,
      idx: Number(parts[parts.length - 1]),
      taskPath: record.taskPath,
      channel: record.channel,
      value: () => load(ctx.serde, record.value, where),
    });
  }
  stored.sort((a, b) => compareWritesSortKeys(writesSortKey(a.taskPath, a.taskId, a.idx), writesSortKey(b.taskPath, b.taskId, b.idx)));
  const writes: CheckpointPendingWrite[] = [];
  for (const write of stored) writes.push([write.taskId, write.channel, await write.value()]);
  return writes;
}

/** One LOAD reply entry: id, checkpoint, metadata, parent, values, write fields, write values. */
export type LoadEntry = [Buffer, Buffer, Buffer, Buffer, RawValue[], Buffer[], (Buffer | null)[]];

/** A decoded checkpoint tuple plus the list states it carried. */
export interface DecodedTuple {
  tuple: CheckpointTuple;
  lists: DecodedValue[];
}

/** Decodes one LOAD entry into a checkpoint tuple. */
export async function decodeTuple(ctx: ReadContext, entry: LoadEntry): Promise<DecodedTuple> {
  const [idRaw, checkpointRaw, metadataRaw, parentRaw, rawValues, writeFields, writeValues] = entry;
  const id = idRaw.toString();
  const field = `${ctx.ns}${SEP}${id}`;
  const where = `${ctx.keys[0]} field ${JSON.stringify(field)}`;
  const checkpoint = (await load(ctx.serde, unpackTyped(checkpointRaw, 0, where), where)) as Checkpoint;
  if (typeof checkpoint !== "object" || checkpoint === null) throw corrupt(where, "not a checkpoint");
  const metadataWhere = `${ctx.keys[0]} field ${JSON.stringify(`${field}${SEP}m`)}`;
  const metadata = metadataRaw
    ? ((await load(ctx.serde, unpackTyped(metadataRaw, 0, metadataWhere), metadataWhere)) as CheckpointMetadata)
    : undefined;
  const channelValues: Record<string, unknown> = {};
  const lists: DecodedValue[] = [];
  for (const raw of rawValues) {
    const decoded = await decodeValue(ctx, raw, checkpoint.channel_versions?.[raw[0].toString()]);
    channelValues[decoded.channel] = decoded.value;
    if (decoded.list) lists.push(decoded);
  }
  checkpoint.channel_values = channelValues;
  const parentId = parentRaw ? parentRaw.toString() : "";
  const configurable = { thread_id: ctx.threadId, checkpoint_ns: ctx.ns };
  const tuple: CheckpointTuple = {
    config: { configurable: { ...configurable, checkpoint_id: id } },
    checkpoint,
    ...(metadata === undefined ? {} : { metadata }),
    pendingWrites: await decodeWrites(ctx, writeFields, writeValues),
  };
  if (parentId) tuple.parentConfig = { configurable: { ...configurable, checkpoint_id: parentId } };
  return { tuple, lists };
}
