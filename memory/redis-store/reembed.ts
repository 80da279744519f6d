/**
 * Moves a RedisStore's vectors to another embedding model or dimension in place. The new vectors
 * go into the next vector generation beside the current one (keys.ts), so processes still on the
 * old model keep searching the old vectors; items, threads and checkpoints are never touched.
 * Each namespace is paged by version (a stable cursor: versions only grow), its progress recorded,
 * so a killed run resumes where it stopped; items written during the move are caught up in later
 * passes; then one HSET moves the index's pointer to the new generation, atomically.
 */
import { RedisScript } from "../../lib/redis-scripts.js";
import type { RedisConnection } from "../../lib/redis.js";
import { decodeItem, parseValue, writeNormalized } from "./codec.js";
import { StoreCommands } from "./commands.js";
import { embedTexts, type TextEmbedder } from "./context.js";
import { splitNamespace, StoreKeys } from "./keys.js";
import { textsToEmbed } from "./text-paths.js";

// KEYS: meta, items, chg, old vectors. ARGV: after version (exclusive), upto version ('' = now), count.
// Returns { upto, keys, scores, items, old vector byte lengths }.
const READ_PAGE = new RedisScript(
  "reembed_read",
  `local upto = ARGV[2]
if upto == '' then upto = redis.call('HGET', KEYS[1], 'ver') or '0' end
local live = redis.call('ZRANGEBYSCORE', KEYS[3], '(' .. ARGV[1], upto, 'WITHSCORES', 'LIMIT', 0, tonumber(ARGV[3]))
local keys, scores, items, sizes = {}, {}, {}, {}
for i = 1, #live, 2 do keys[#keys + 1] = live[i]; scores[#scores + 1] = live[i + 1] end
if #keys > 0 then
  items = redis.call('HMGET', KEYS[2], unpack(keys))
  for i, k in ipairs(keys) do sizes[i] = tostring(redis.call('HSTRLEN', KEYS[4], k)) end
end
return {upto, keys, scores, items, sizes}`,
);

// KEYS: items, new vectors, dead. ARGV: after version, upto version, then key/vectors pairs.
// Writes vectors only for items that still exist, and drops new vectors of items deleted since.
const WRITE_PAGE = new RedisScript(
  "reembed_write",
  `for i = 3, #ARGV, 2 do
  if redis.call('HEXISTS', KEYS[1], ARGV[i]) == 1 then redis.call('HSET', KEYS[2], ARGV[i], ARGV[i + 1]) end
end
local gone = redis.call('ZRANGEBYSCORE', KEYS[3], '(' .. ARGV[1], ARGV[2])
for _, k in ipairs(gone) do redis.call('HDEL', KEYS[2], k) end
return #gone`,
);

/** A progress report of a re-embedding. */
export interface ReembedProgress {
  namespace: string;
  /** Vectors (items) re-embedded so far in this run. */
  items: number;
  namespacesDone: number;
  namespaces: number;
}

/** What a re-embedding did. */
export interface ReembedResult {
  from: { dims: number; embedder: string; generation: number };
  to: { dims: number; embedder: string; generation: number };
  namespaces: number;
  items: number;
  /** The index already pointed at this model: nothing was done. */
  alreadyCurrent: boolean;
}

/** How to re-embed. */
export interface ReembedOptions {
  keyPrefix: string;
  embeddings: TextEmbedder;
  dims: number;
  /** Names the target model in the index (as `RedisStore.setup` describes embedders). */
  embedder: string;
  /** Field paths embedded for items of a namespace (what their writers pass as `index`). */
  fieldsFor: (namespace: string[]) => string[];
  pageSize?: number;
  onProgress?: (progress: ReembedProgress) => void;
}

/** Re-embeds every indexed item of the store under `keyPrefix` with the target model, then switches. */
export async function reembedStore(connection: RedisConnection, options: ReembedOptions): Promise<ReembedResult> {
  const commands = new StoreCommands(connection);
  const keys = new StoreKeys(options.keyPrefix);
  const recorded = await commands.readHash(keys.index);
  const from = { dims: Number(recorded.dims ?? options.dims), embedder: recorded.embedder ?? options.embedder, generation: Number(recorded.gen ?? 0) };
  if (!recorded.dims || (from.dims === options.dims && from.embedder === options.embedder)) {
    return { from, to: from, namespaces: 0, items: 0, alreadyCurrent: true };
  }
  // A killed run left `next_*` for this same target: resume it (its progress is in store:reembed).
  const resuming = recorded.next_embedder === options.embedder && recorded.next_dims === String(options.dims) && recorded.next_gen;
  const to = { dims: options.dims, embedder: options.embedder, generation: resuming ? Number(recorded.next_gen) : from.generation + 1 };
  const namespaces = (await commands.registered(keys.registry, "-", "+")).map(splitNamespace);
  if (!resuming) {
    await connection.del(keys.reembed);
    // Vectors of the generation before the current one are kept for one move, for processes
    // still on that model; the next move drops them, and any half-built target from another run.
    for (const namespace of namespaces) await connection.del([keys.vectors(namespace, to.generation), ...(from.generation > 0 ? [keys.vectors(namespace, from.generation - 1)] : [])]);
    await commands.writeHash(keys.index, { next_dims: String(to.dims), next_embedder: to.embedder, next_gen: String(to.generation) });
  }
  const progress = (await commands.readHash(keys.reembed)) as Record<string, string>;
  let items = 0;
  // Passes until one finds nothing new: writes made during the move are caught up.
  for (let pass = 0; pass < 10; pass += 1) {
    let changed = 0;
    for (const [n, namespace] of namespaces.entries()) {
      const id = namespace.join(".");
      const done = await reembedNamespace(commands, keys, namespace, Number(progress[id] ?? 0), from.generation, to.generation, options, (count) => {
        items += count;
        changed += count;
        options.onProgress?.({ namespace: id, items, namespacesDone: n, namespaces: namespaces.length });
      });
      if (done.upto !== Number(progress[id] ?? 0)) changed += 1;
      progress[id] = String(done.upto);
      await commands.writeHash(keys.reembed, { [id]: String(done.upto) });
    }
    if (changed === 0) break;
  }
  // One HSET: every process opening the store from now on searches the new generation.
  await commands.writeHash(keys.index, { dims: String(to.dims), embedder: to.embedder, gen: String(to.generation), next_dims: "", next_embedder: "", next_gen: "" });
  await connection.del(keys.reembed);
  return { from, to, namespaces: namespaces.length, items, alreadyCurrent: false };
}

async function reembedNamespace(
  commands: StoreCommands,
  keys: StoreKeys,
  namespace: string[],
  after: number,
  fromGeneration: number,
  toGeneration: number,
  options: ReembedOptions,
  onItems: (count: number) => void,
): Promise<{ upto: number }> {
  const names = keys.namespace(namespace);
  const oldVectors = keys.vectors(namespace, fromGeneration);
  const newVectors = keys.vectors(namespace, toGeneration);
  const fields = options.fieldsFor(namespace);
  let cursor = after;
  let upto = "";
  for (;;) {
    const [end, pageKeys, scores, raws, sizes] = (await commands.run(READ_PAGE, [names.meta, names.items, names.chg, oldVectors], [String(cursor), upto, String(options.pageSize ?? 256)])) as [Buffer, Buffer[], Buffer[], (Buffer | null)[], Buffer[]];
    upto = end.toString();
    const texts: string[][] = [];
    const targets: string[] = [];
    pageKeys.forEach((keyBuffer, i) => {
      const raw = raws[i];
      // Items stored without vectors (index: false) stay without.
      if (!raw || Number(sizes[i]!.toString()) === 0) return;
      const key = keyBuffer.toString();
      const where = `${namespace.join(".")}/${key}`;
      const found = textsToEmbed(parseValue(decodeItem(raw.toString(), where).json, where), fields);
      if (found.length === 0) return;
      targets.push(key);
      texts.push(found);
    });
    const args: (string | Buffer)[] = [String(cursor), pageKeys.length > 0 ? scores.at(-1)!.toString() : upto];
    if (targets.length > 0) {
      const flat = texts.flat();
      const vectors = await embedTexts({ dims: options.dims, embeddings: options.embeddings, fields }, flat, "re-embedding");
      let row = 0;
      targets.forEach((key, i) => {
        const packed = new Float32Array(texts[i]!.length * options.dims);
        for (let t = 0; t < texts[i]!.length; t += 1) writeNormalized(vectors[row++]!, options.dims, packed, t * options.dims);
        args.push(key, Buffer.from(packed.buffer));
      });
    }
    await commands.run(WRITE_PAGE, [names.items, newVectors, names.dead], args);
    if (targets.length > 0) onItems(targets.length);
    if (pageKeys.length === 0) return { upto: Number(upto) };
    cursor = Number(scores.at(-1)!.toString());
  }
}
