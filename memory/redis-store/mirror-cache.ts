/**
 * The RedisStore's set of namespace mirrors: creates them on first read, brings each up to date
 * with one SYNC call per read (concurrent reads share a sync), and evicts the least recently used
 * ones when the mirrored item count passes a budget.
 */
import { NamespaceMirror, type SyncPage } from "./mirror.js";
import type { StoreCommands } from "./commands.js";
import { RedisScript } from "../../lib/redis-scripts.js";
import { joinNamespace, scriptKeys, type StoreKeys } from "./keys.js";
import { SYNC_SCRIPT } from "./lua.js";

const SYNC = new RedisScript("sync", SYNC_SCRIPT);
/** Items per SYNC page: bounded by Lua's unpack() limit and by reply size (~1.5 MB at 384 dims). */
const PAGE_SIZE = 1_000;

interface Entry {
  mirror: NamespaceMirror;
  inflight: Promise<void> | undefined;
  queued: Promise<void> | undefined;
}

function parsePage(reply: unknown): SyncPage {
  const [epoch, upto, version, reset, keys, items, vectors, deleted] = reply as [
    Buffer, Buffer, Buffer, number, Buffer[], (Buffer | null)[], (Buffer | null)[], Buffer[],
  ];
  return {
    epoch: epoch.toString(),
    upto: Number(upto.toString()),
    version: Number(version.toString()),
    reset: Number(reset) === 1,
    keys: keys.map((key) => key.toString()),
    items,
    vectors,
    deleted: deleted.map((key) => key.toString()),
  };
}

/** Mirrors of the namespaces this process reads, kept coherent with Redis. */
export class MirrorCache {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly commands: StoreCommands,
    private readonly keys: StoreKeys,
    private readonly dims: number,
    private readonly maxItems: number,
  ) {}

  /** Up-to-date mirrors of the given namespaces (empty mirrors for namespaces that are gone). */
  async synced(namespaces: readonly string[][]): Promise<NamespaceMirror[]> {
    const entries = namespaces.map((namespace) => this.entry(namespace));
    await Promise.all(entries.map((entry) => this.sync(entry)));
    const now = Date.now();
    for (const entry of entries) entry.mirror.lastUsed = now;
    this.evict(new Set(entries));
    return entries.map((entry) => entry.mirror);
  }

  /** Forgets every mirror (they are rebuilt on the next read). */
  clear(): void {
    this.entries.clear();
  }

  private entry(namespace: string[]): Entry {
    const id = joinNamespace(namespace);
    let entry = this.entries.get(id);
    if (!entry) {
      entry = { mirror: new NamespaceMirror(namespace, this.dims), inflight: undefined, queued: undefined };
      this.entries.set(id, entry);
    }
    return entry;
  }

  // A read must see every write that finished before it started: a read arriving while a sync
  // runs waits for a new sync that starts after it (shared by all reads arriving meanwhile).
  private sync(entry: Entry): Promise<void> {
    if (!entry.inflight) {
      entry.inflight = this.pull(entry.mirror).finally(() => {
        entry.inflight = undefined;
      });
      return entry.inflight;
    }
    entry.queued ??= entry.inflight
      .catch(() => undefined)
      .then(() => {
        entry.queued = undefined;
        return this.sync(entry);
      });
    return entry.queued;
  }

  private async pull(mirror: NamespaceMirror): Promise<void> {
    const keys = scriptKeys(this.keys.namespace(mirror.namespace));
    const pages: SyncPage[] = [];
    let epoch = mirror.epoch;
    let from = mirror.version;
    for (;;) {
      const page = parsePage(await this.commands.run(SYNC, keys, [String(Date.now()), epoch, String(from), String(PAGE_SIZE)]));
      pages.push(page);
      epoch = page.epoch;
      from = page.upto;
      if (page.epoch === "" || page.upto >= page.version) break;
    }
    mirror.apply(pages);
  }

  private evict(keep: Set<Entry>): void {
    let total = 0;
    for (const entry of this.entries.values()) total += entry.mirror.items.length;
    if (total <= this.maxItems) return;
    const candidates = [...this.entries.entries()]
      .filter(([, entry]) => !keep.has(entry) && !entry.inflight)
      .sort(([, a], [, b]) => a.mirror.lastUsed - b.mirror.lastUsed);
    for (const [id, entry] of candidates) {
      if (total <= this.maxItems) break;
      total -= entry.mirror.items.length;
      this.entries.delete(id);
    }
  }
}
