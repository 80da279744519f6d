/**
 * The store contract: one spec, the same expectations, run against every BaseStore Switchboard
 * uses (LangGraph's InMemoryStore and our RedisStore on a node and on a cluster).
 */
import { Embeddings } from "@langchain/core/embeddings";
import type { BaseStore } from "@langchain/langgraph-checkpoint";

const VOCABULARY = ["apple", "banana", "cherry", "date", "elder", "fig"];

/** Embeds a text as its counts of six fruit words: rankings are easy to compute by hand. */
export class FruitCountEmbeddings extends Embeddings {
  constructor() {
    super({});
  }
  static readonly dims = VOCABULARY.length;
  vector(text: string): number[] {
    const words = text.toLowerCase().split(/\W+/);
    return VOCABULARY.map((fruit) => words.filter((word) => word === fruit).length);
  }
  async embedDocuments(texts: string[]): Promise<number[][]> {
    return texts.map((text) => this.vector(text));
  }
  async embedQuery(text: string): Promise<number[]> {
    return this.vector(text);
  }
}

/** Builds a fresh, empty store; `close` is called after each test. */
export interface StoreUnderTest {
  store: BaseStore;
  close(): Promise<void>;
}

/** Options every factory receives: the index to configure (or none). */
export interface StoreFactoryOptions {
  index?: { dims: number; embeddings: Embeddings; fields?: string[] };
}

const keysOf = (items: { key: string }[]) => items.map((item) => item.key);

/** Registers the contract tests for one store implementation. */
export function describeStoreContract(name: string, create: (options: StoreFactoryOptions) => Promise<StoreUnderTest>): void {
  describe(`store contract: ${name}`, () => {
    let current: StoreUnderTest | undefined;
    const open = async (options: StoreFactoryOptions = {}) => {
      current = await create(options);
      return current.store;
    };
    afterEach(async () => {
      await current?.close();
      current = undefined;
    });

    it("puts, gets, updates and deletes items, keeping createdAt across updates", async () => {
      const store = await open();
      expect(await store.get(["users", "u1"], "prefs")).toBeNull();
      await store.put(["users", "u1"], "prefs", { theme: "dark", tags: ["a", "ü"], nested: { n: 1 } });
      const first = await store.get(["users", "u1"], "prefs");
      expect(first).toMatchObject({ namespace: ["users", "u1"], key: "prefs", value: { theme: "dark", tags: ["a", "ü"], nested: { n: 1 } } });
      expect(first!.createdAt).toBeInstanceOf(Date);
      // InMemoryStore hands out its own item objects, so read the times before the update.
      const [createdAt, updatedAt] = [first!.createdAt.getTime(), first!.updatedAt.getTime()];
      await new Promise((resolve) => setTimeout(resolve, 5));
      await store.put(["users", "u1"], "prefs", { theme: "light" });
      const second = await store.get(["users", "u1"], "prefs");
      expect(second!.value).toEqual({ theme: "light" });
      expect(second!.createdAt.getTime()).toBe(createdAt);
      expect(second!.updatedAt.getTime()).toBeGreaterThan(updatedAt);
      await store.delete(["users", "u1"], "prefs");
      expect(await store.get(["users", "u1"], "prefs")).toBeNull();
      expect(await store.search(["users"])).toEqual([]);
    });

    it("accepts an empty key and keys with separators", async () => {
      const store = await open();
      await store.put(["ns"], "", { empty: true });
      await store.put(["ns"], "a:b.c{d}", { odd: true });
      expect((await store.get(["ns"], ""))!.value).toEqual({ empty: true });
      expect((await store.get(["ns"], "a:b.c{d}"))!.value).toEqual({ odd: true });
    });

    it("rejects invalid namespaces on put", async () => {
      const store = await open();
      await expect(store.put([], "k", { a: 1 })).rejects.toThrow(/empty/i);
      await expect(store.put(["a.b"], "k", { a: 1 })).rejects.toThrow(/period/i);
      await expect(store.put(["langgraph"], "k", { a: 1 })).rejects.toThrow(/langgraph/);
    });

    it("searches a namespace prefix: the namespace and its descendants, never a sibling that shares letters", async () => {
      const store = await open();
      await store.put(["docs", "a"], "1", { n: 1 });
      await store.put(["docs", "a", "deep"], "2", { n: 2 });
      await store.put(["docs", "ab"], "3", { n: 3 });
      await store.put(["other"], "4", { n: 4 });
      expect(keysOf(await store.search(["docs", "a"])).sort()).toEqual(["1", "2"]);
      expect(keysOf(await store.search(["docs"])).sort()).toEqual(["1", "2", "3"]);
      expect(keysOf(await store.search([])).sort()).toEqual(["1", "2", "3", "4"]);
      expect(await store.search(["nothing"])).toEqual([]);
    });

    it("pages a namespace in insertion order; an update keeps the item's place", async () => {
      const store = await open();
      for (const key of ["k0", "k1", "k2", "k3", "k4"]) await store.put(["list"], key, { key });
      await store.put(["list"], "k1", { key: "k1", updated: true });
      expect(keysOf(await store.search(["list"], { limit: 2 }))).toEqual(["k0", "k1"]);
      expect(keysOf(await store.search(["list"], { limit: 2, offset: 2 }))).toEqual(["k2", "k3"]);
      expect(keysOf(await store.search(["list"], { limit: 10, offset: 4 }))).toEqual(["k4"]);
      expect((await store.search(["list"], { limit: 10 })).length).toBe(5);
    });

    it("filters by equality and by $eq $ne $gt $gte $lt $lte $in $nin", async () => {
      const store = await open();
      const rows = [
        { key: "a", value: { color: "red", size: 1 } },
        { key: "b", value: { color: "blue", size: 5 } },
        { key: "c", value: { color: "red", size: 10 } },
      ];
      for (const row of rows) await store.put(["f"], row.key, row.value);
      const keys = async (filter: Record<string, unknown>) => keysOf(await store.search(["f"], { filter })).sort();
      expect(await keys({ color: "red" })).toEqual(["a", "c"]);
      expect(await keys({ color: "red", size: 10 })).toEqual(["c"]);
      expect(await keys({ size: { $gt: 1 } })).toEqual(["b", "c"]);
      expect(await keys({ size: { $gte: 5, $lt: 10 } })).toEqual(["b"]);
      expect(await keys({ size: { $lte: 5 } })).toEqual(["a", "b"]);
      expect(await keys({ color: { $ne: "red" } })).toEqual(["b"]);
      expect(await keys({ color: { $eq: "blue" } })).toEqual(["b"]);
      expect(await keys({ size: { $in: [1, 10] } })).toEqual(["a", "c"]);
      expect(await keys({ size: { $nin: [1, 10] } })).toEqual(["b"]);
      expect(await keys({ color: "green" })).toEqual([]);
    });

    it("ranks by cosine similarity to the query, best first, with scores", async () => {
      const store = await open({ index: { dims: FruitCountEmbeddings.dims, embeddings: new FruitCountEmbeddings(), fields: ["text"] } });
      await store.put(["fruit"], "apples", { text: "apple apple apple" });
      await store.put(["fruit"], "mixed", { text: "apple banana" });
      await store.put(["fruit"], "bananas", { text: "banana banana cherry" });
      await store.put(["fruit"], "figs", { text: "fig" });
      const results = await store.search(["fruit"], { query: "apple", limit: 3 });
      expect(keysOf(results)).toEqual(["apples", "mixed", "bananas"]);
      expect(results[0]!.score).toBeCloseTo(1, 5);
      expect(results[1]!.score).toBeCloseTo(Math.SQRT1_2, 5);
      expect(results[2]!.score).toBeCloseTo(0, 5);
      expect(keysOf(await store.search(["fruit"], { query: "apple", limit: 2, offset: 1 }))).toEqual(["mixed", "bananas"]);
      const filtered = await store.search(["fruit"], { query: "banana", filter: { text: { $ne: "apple banana" } }, limit: 2 });
      expect(keysOf(filtered)).toEqual(["bananas", "apples"]);
    });

    it("keeps vectors current across updates and deletes", async () => {
      const store = await open({ index: { dims: FruitCountEmbeddings.dims, embeddings: new FruitCountEmbeddings(), fields: ["text"] } });
      await store.put(["v"], "x", { text: "apple" });
      await store.put(["v"], "y", { text: "cherry" });
      expect(keysOf(await store.search(["v"], { query: "apple", limit: 1 }))).toEqual(["x"]);
      await store.put(["v"], "x", { text: "date" });
      await store.put(["v"], "y", { text: "apple cherry" });
      expect(keysOf(await store.search(["v"], { query: "apple", limit: 1 }))).toEqual(["y"]);
      await store.delete(["v"], "y");
      expect(keysOf(await store.search(["v"], { query: "apple" }))).toEqual(["x"]);
    });

    it("embeds the fields a put names, ranks an item by its best field, and lists unembedded items after scored ones", async () => {
      const store = await open({ index: { dims: FruitCountEmbeddings.dims, embeddings: new FruitCountEmbeddings(), fields: ["title"] } });
      await store.put(["m"], "by-body", { title: "fig", body: "cherry cherry" }, ["title", "body"]);
      await store.put(["m"], "by-title", { title: "cherry date", body: "fig" });
      await store.put(["m"], "plain", { title: "cherry" }, false);
      const results = await store.search(["m"], { query: "cherry", limit: 3 });
      expect(keysOf(results)).toEqual(["by-body", "by-title", "plain"]);
      expect(results[0]!.score).toBeCloseTo(1, 5);
      expect(results[2]!.score).toBeUndefined();
    });

    it("searches across the namespaces under a prefix by similarity", async () => {
      const store = await open({ index: { dims: FruitCountEmbeddings.dims, embeddings: new FruitCountEmbeddings() } });
      await store.put(["kb", "one"], "a", { text: "elder elder" });
      await store.put(["kb", "two"], "b", { text: "elder fig" });
      await store.put(["kb2"], "c", { text: "elder" });
      const results = await store.search(["kb"], { query: "elder" });
      expect(keysOf(results)).toEqual(["a", "b"]);
      expect(results[0]!.namespace).toEqual(["kb", "one"]);
    });

    it("lists namespaces by prefix, suffix, wildcard and depth, sorted and paginated", async () => {
      const store = await open();
      for (const namespace of [["a", "b", "c"], ["a", "b", "d"], ["a", "e", "c"], ["f", "c"], ["g"]]) await store.put(namespace, "k", { v: 1 });
      expect(await store.listNamespaces()).toEqual([["a", "b", "c"], ["a", "b", "d"], ["a", "e", "c"], ["f", "c"], ["g"]]);
      expect(await store.listNamespaces({ prefix: ["a", "b"] })).toEqual([["a", "b", "c"], ["a", "b", "d"]]);
      expect(await store.listNamespaces({ suffix: ["c"] })).toEqual([["a", "b", "c"], ["a", "e", "c"], ["f", "c"]]);
      expect(await store.listNamespaces({ prefix: ["a", "*", "c"] })).toEqual([["a", "b", "c"], ["a", "e", "c"]]);
      expect(await store.listNamespaces({ prefix: ["a"], maxDepth: 2 })).toEqual([["a", "b"], ["a", "e"]]);
      expect(await store.listNamespaces({ limit: 2, offset: 1 })).toEqual([["a", "b", "d"], ["a", "e", "c"]]);
    });

    it("runs a mixed batch, answering reads from the state before the batch's writes", async () => {
      const store = await open();
      await store.put(["b"], "old", { v: 1 });
      const results: unknown[] = await store.batch([
        { namespace: ["b"], key: "new", value: { v: 2 } },
        { namespace: ["b"], key: "old" },
        { namespace: ["b"], key: "new" },
        { namespacePrefix: ["b"], limit: 10, offset: 0 },
        { matchConditions: [{ matchType: "prefix", path: ["b"] }], limit: 10, offset: 0 },
      ]);
      expect(results[0]).toBeNull();
      expect((results[1] as { value: unknown }).value).toEqual({ v: 1 });
      expect(results[2]).toBeNull();
      expect(keysOf(results[3] as { key: string }[])).toEqual(["old"]);
      expect(results[4]).toEqual([["b"]]);
      expect((await store.get(["b"], "new"))!.value).toEqual({ v: 2 });
    });

    it("applies the last of several writes to the same key in one batch", async () => {
      const store = await open();
      await store.batch([
        { namespace: ["w"], key: "k", value: { v: 1 } },
        { namespace: ["w"], key: "k", value: { v: 2 } },
        { namespace: ["w"], key: "gone", value: { v: 1 } },
        { namespace: ["w"], key: "gone", value: null },
      ]);
      expect((await store.get(["w"], "k"))!.value).toEqual({ v: 2 });
      expect(await store.get(["w"], "gone")).toBeNull();
    });
  });
}
