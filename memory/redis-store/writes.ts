/**
 * The RedisStore's write path: one embedding call for every text of a batch, then one PUT script
 * per namespace and chunk (pipelined), plus an idempotent registry entry per namespace.
 */
import { randomBytes } from "node:crypto";
import type { PutOperation } from "@langchain/langgraph-checkpoint";
import { InvalidInputError } from "../../lib/errors.js";
import { RedisScript } from "../../lib/redis-scripts.js";
import { writeNormalized } from "./codec.js";
import { embedTexts, ttlToMs, type StoreContext } from "./context.js";
import { joinNamespace, scriptKeys } from "./keys.js";
import { PUT_SCRIPT } from "./lua.js";
import { textsToEmbed } from "./text-paths.js";

const PUT = new RedisScript("put", PUT_SCRIPT);
/** Ops per script call: keeps one call's arguments around a megabyte at 384 dims. */
const CHUNK = 500;

/** A put with the optional per-item TTL in minutes (`null`: none, even with a default TTL). */
export type TtlPutOperation = PutOperation & { ttl?: number | null };

interface PreparedWrite {
  op: TtlPutOperation;
  json: string;
  ttl: string;
  texts: string[];
}

function serialize(op: TtlPutOperation): string {
  const where = `${joinNamespace(op.namespace)}/${op.key}`;
  if (typeof op.key !== "string") throw new InvalidInputError(`Store keys are strings; got ${typeof op.key} at ${where}.`);
  if (op.value === null) return "";
  if (typeof op.value !== "object" || Array.isArray(op.value)) {
    throw new InvalidInputError(`Store values are JSON objects; the value at ${where} is ${Array.isArray(op.value) ? "an array" : typeof op.value}.`);
  }
  try {
    return JSON.stringify(op.value);
  } catch (error) {
    throw new InvalidInputError(`The value at ${where} cannot be stored as JSON: ${(error as Error).message}`, { cause: error });
  }
}

function prepare(context: StoreContext, op: TtlPutOperation): PreparedWrite {
  const json = serialize(op);
  let ttl = "";
  if (op.value !== null) {
    if (op.ttl !== undefined && op.ttl !== null) ttl = String(ttlToMs(op.ttl, "A put's ttl"));
    else if (op.ttl === undefined && context.ttl.defaultMs !== undefined) ttl = String(context.ttl.defaultMs);
  }
  const fields = op.index === false ? [] : (op.index ?? context.index?.fields ?? []);
  const texts = op.value !== null && context.index ? textsToEmbed(op.value, fields) : [];
  return { op, json, ttl, texts };
}

/** Applies puts and deletes; for the same namespace and key the last op of the batch wins. */
export async function writeBatch(context: StoreContext, ops: readonly TtlPutOperation[]): Promise<void> {
  if (ops.length === 0) return;
  const latest = new Map<string, PreparedWrite>();
  for (const op of ops) latest.set(`${joinNamespace(op.namespace)}\u0000${op.key}`, prepare(context, op));
  const writes = [...latest.values()];

  const vectorsByText = new Map<string, number[]>();
  const index = context.index;
  if (index) {
    const unique = [...new Set(writes.flatMap((write) => write.texts))];
    if (unique.length > 0) {
      const vectors = await embedTexts(index, unique, "RedisStore.put");
      unique.forEach((text, i) => vectorsByText.set(text, vectors[i]!));
    }
  }

  const byNamespace = new Map<string, PreparedWrite[]>();
  for (const write of writes) {
    const id = joinNamespace(write.op.namespace);
    const group = byNamespace.get(id) ?? [];
    group.push(write);
    byNamespace.set(id, group);
  }

  const now = String(Date.now());
  const calls: Promise<unknown>[] = [];
  const created = [...byNamespace.entries()].filter(([, group]) => group.some((write) => write.op.value !== null)).map(([id]) => id);
  // Sent first on the connection, so a namespace is listed before (or with) its first item.
  calls.push(context.commands.register(context.keys.registry, created));
  for (const [id, group] of byNamespace) {
    const keys = scriptKeys(context.keys.namespace(group[0]!.op.namespace));
    for (let start = 0; start < group.length; start += CHUNK) {
      const chunk = group.slice(start, start + CHUNK);
      const packed = index ? packChunk(chunk, vectorsByText, index.dims) : undefined;
      const args: (string | Buffer)[] = [now, id, randomBytes(8).toString("hex"), String(chunk.length)];
      chunk.forEach((write, i) => {
        args.push(write.op.key, write.op.value === null ? "d" : "p", write.json, write.ttl, packed?.[i] ?? "");
      });
      calls.push(context.commands.run(PUT, keys, args));
    }
  }
  await Promise.all(calls);
}

// All vectors of a chunk go into one Float32Array; each item gets a Buffer view of its rows, so a
// 500-item chunk costs one allocation instead of a thousand.
function packChunk(chunk: readonly PreparedWrite[], vectorsByText: Map<string, number[]>, dims: number): (Buffer | undefined)[] {
  const rows = chunk.reduce((sum, write) => sum + write.texts.length, 0);
  const packed = new Float32Array(rows * dims);
  let row = 0;
  return chunk.map((write) => {
    if (write.texts.length === 0) return undefined;
    const first = row;
    for (const text of write.texts) writeNormalized(vectorsByText.get(text)!, dims, packed, (row++) * dims);
    return Buffer.from(packed.buffer, first * dims * 4, (row - first) * dims * 4);
  });
}
