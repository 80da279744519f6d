/**
 * Structural sharing for list-valued channels (messages): decides, for a new version of a
 * list, how much of it is already stored and which elements must be appended.
 *
 * The saver remembers, per thread, namespace and channel, the last list it stored or loaded:
 * its segment, its elements (by reference) and their cumulative hashes. A new list usually
 * shares a prefix with it by reference (LangGraph reducers copy the array, not the
 * messages), so finding the shared prefix costs pointer comparisons; only the new tail is
 * serialized and hashed. Cumulative hashes make the prefix checkable inside Redis.
 */
import { createHash } from "node:crypto";
import type { SerializerProtocol } from "@langchain/langgraph-checkpoint";
import { LRUCache } from "lru-cache";
import { dump, packTyped, type TypedBytes } from "./codec.js";

/** Length of the cumulative hash stored in front of each element. */
export const CUM_LENGTH = 16;

/** What the saver remembers of one channel's last stored list. */
export interface ListState {
  seg: string;
  len: number;
  items: readonly unknown[];
  cums: readonly string[];
}

/** One list write for the PUT script, plus the state to remember once it succeeds. */
export interface ListOp {
  channel: string;
  version: string;
  baseSeg: string;
  lcp: number;
  cumAtLcp: string;
  length: number;
  elements: Buffer[];
  items: readonly unknown[];
  cums: string[];
}

/** Whether a channel value is stored element by element. */
export function isShareableList(value: unknown): value is unknown[] {
  if (!Array.isArray(value) || value.length === 0) return false;
  for (const item of value) if (item === undefined || typeof item === "function") return false;
  return true;
}

/** The cumulative hash after appending one serialized element. */
export function nextCum(previous: string, value: TypedBytes): string {
  return createHash("sha1").update(previous).update(value.type).update("\0").update(value.bytes).digest("hex").slice(0, CUM_LENGTH);
}

/** Plans how to store `list` given what was stored last for the channel. */
export async function planListOp(
  serde: SerializerProtocol,
  previous: ListState | undefined,
  channel: string,
  version: string,
  list: readonly unknown[],
): Promise<ListOp> {
  const cums: string[] = new Array(list.length);
  let shared = 0;
  if (previous) {
    const limit = Math.min(list.length, previous.len);
    while (shared < limit && list[shared] === previous.items[shared]) {
      cums[shared] = previous.cums[shared]!;
      shared += 1;
    }
  }
  const elements: Buffer[] = [];
  let stillShared = previous !== undefined;
  let cum = shared > 0 ? cums[shared - 1]! : "";
  let lcp = shared;
  for (let index = shared; index < list.length; index += 1) {
    const value = await dump(serde, list[index]);
    cum = nextCum(cum, value);
    cums[index] = cum;
    // An equal element that is a different object (e.g. reloaded elsewhere) is still shared.
    if (stillShared && index < previous!.len && previous!.cums[index] === cum) {
      lcp = index + 1;
    } else {
      stillShared = false;
      elements.push(packTyped(cum, value));
    }
  }
  // With nothing shared every element was serialized into `elements` above.
  const base = previous && lcp > 0 ? previous.seg : "";
  return {
    channel,
    version,
    baseSeg: base,
    lcp,
    cumAtLcp: lcp > 0 ? cums[lcp - 1]! : "",
    length: list.length,
    elements,
    items: list,
    cums,
  };
}

/**
 * Remembers the last list per thread, namespace and channel. Bounded by entries and by the
 * total number of remembered elements, so memory stays flat however many threads a server
 * sees; a forgotten list costs one extra round trip (LIST_STATE), never extra storage.
 */
export class ListStateCache {
  private readonly states: LRUCache<string, ListState>;

  constructor(maxEntries = 5_000, maxElements = 200_000) {
    this.states = new LRUCache({ max: maxEntries, maxSize: maxElements, sizeCalculation: (state) => state.len + 1 });
  }

  /** The remembered state of a channel, if any. */
  get(threadId: string, ns: string, channel: string): ListState | undefined {
    return this.states.get(cacheKey(threadId, ns, channel));
  }

  /** Remembers a channel's list after a successful write or a load. */
  set(threadId: string, ns: string, channel: string, state: ListState): void {
    this.states.set(cacheKey(threadId, ns, channel), state);
  }

  /** Forgets one channel (its value is no longer a list, or its write went stale). */
  delete(threadId: string, ns: string, channel: string): void {
    this.states.delete(cacheKey(threadId, ns, channel));
  }

  /** Forgets everything about a thread (after deleteThread). */
  forgetThread(threadId: string): void {
    const prefix = `${threadId}\0`;
    for (const key of this.states.keys()) if (key.startsWith(prefix)) this.states.delete(key);
  }
}

function cacheKey(threadId: string, ns: string, channel: string): string {
  return `${threadId}\0${ns}\0${channel}`;
}
