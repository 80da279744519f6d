/**
 * Byte layouts of the values the saver stores (see keys.ts for where they live). Values stay
 * binary (Buffers) end to end, so serializers that emit raw bytes round-trip unchanged.
 */
import type { SerializerProtocol } from "@langchain/langgraph-checkpoint";
import { DataCorruptionError } from "../../lib/errors.js";
import { SEP } from "./keys.js";

const NUL = 0;

/** A serialized value: the serializer's type tag and its bytes. */
export interface TypedBytes {
  type: string;
  bytes: Uint8Array;
}

/** Serializes a value with the saver's serializer. */
export async function dump(serde: SerializerProtocol, value: unknown): Promise<TypedBytes> {
  const [type, bytes] = await serde.dumpsTyped(value);
  return { type, bytes };
}

/** `<head><type>\0<bytes>`: the typed-value layout shared by blobs, elements and writes. */
export function packTyped(head: string, value: TypedBytes): Buffer {
  // One allocation: the tag is written in place instead of concatenating a Buffer made for it.
  const tag = `${head}${value.type}${SEP}`;
  const tagLength = Buffer.byteLength(tag);
  const out = Buffer.allocUnsafe(tagLength + value.bytes.byteLength);
  out.write(tag, 0, "utf8");
  out.set(value.bytes, tagLength);
  return out;
}

/** Reads a `<type>\0<bytes>` layout starting at `offset`; throws naming `where` when it is not one. */
export function unpackTyped(buffer: Buffer, offset: number, where: string): TypedBytes {
  const end = buffer.indexOf(NUL, offset);
  if (end < 0) throw corrupt(where, "no type tag");
  return { type: buffer.toString("utf8", offset, end), bytes: buffer.subarray(end + 1) };
}

/** Deserializes, turning a serializer failure into an error naming the key and field. */
export async function load(serde: SerializerProtocol, value: TypedBytes, where: string): Promise<unknown> {
  try {
    return await serde.loadsTyped(value.type, value.bytes);
  } catch (error) {
    throw corrupt(where, (error as Error).message, error);
  }
}

/** A pending write: `<channel>\0<task path>\0<type>\0<bytes>`. */
export function packWrite(channel: string, taskPath: string, value: TypedBytes): Buffer {
  return packTyped(`${channel}${SEP}${taskPath}${SEP}`, value);
}

/** Splits a stored pending write back into its parts. */
export function unpackWrite(buffer: Buffer, where: string): { channel: string; taskPath: string; value: TypedBytes } {
  const channelEnd = buffer.indexOf(NUL);
  const pathEnd = channelEnd < 0 ? -1 : buffer.indexOf(NUL, channelEnd + 1);
  if (pathEnd < 0) throw corrupt(where, "not a pending write record");
  return {
    channel: buffer.toString("utf8", 0, channelEnd),
    taskPath: buffer.toString("utf8", channelEnd + 1, pathEnd),
    value: unpackTyped(buffer, pathEnd + 1, where),
  };
}

/** `<channel>\0<version>\0…`: the channel versions in a form the Lua scripts can walk. */
export function packVersions(versions: Record<string, number | string>): string {
  let out = "";
  for (const channel in versions) out += `${channel}${SEP}${String(versions[channel])}${SEP}`;
  return out;
}

/** The error for stored bytes that cannot be decoded. */
export function corrupt(where: string, detail: string, cause?: unknown): DataCorruptionError {
  return new DataCorruptionError(
    where,
    `RedisSaver: stored data at ${where} is corrupt (${detail}). It was written by another program or damaged; delete the thread or restore it from a backup.`,
    cause === undefined ? {} : { cause },
  );
}
