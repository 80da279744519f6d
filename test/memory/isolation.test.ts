/**
 * Owner isolation: an owner's memories are never returned to another owner, in any query, filter
 * or namespace listing — checked on RedisStore and on InMemoryStore.
 */
import { InMemoryStore, type BaseStore } from "@langchain/langgraph-checkpoint";
import { connectRedis, type RedisConnection } from "../../lib/redis.js";
import { HashedNgramEmbeddings } from "../../memory/embeddings/hashed-ngram.js";
import { EpisodicMemory } from "../../memory/episodic/episodic-memory.js";
import { OwnerScopedStore, ownerLabel } from "../../memory/owners.js";
import { ProceduralMemory } from "../../memory/procedural/procedural-memory.js";
import { RedisStore } from "../../memory/redis-store/store.js";
import { KnowledgeBase } from "../../memory/semantic/knowledge-base.js";
import { deleteByPrefix, testRedisUrl, uniquePrefix } from "../support/redis.js";

const index = { dims: 384, embeddings: new HashedNgramEmbeddings() };
const SECRET = "Project Nightingale launches on March 3 with a budget of 4 million";

async function seed(store: BaseStore, owner: string): Promise<void> {
  await new EpisodicMemory(store).record(owner, { goal: `Plan ${SECRET}`, outcome: SECRET, terminalState: "completed" });
  await new KnowledgeBase(store).ingestDocument(owner, `${owner}/plan.md`, `# Plan\n\n${SECRET}.\n`);
  await new ProceduralMemory(store).saveSkill(owner, { name: "nightingale_launch", whenToUse: `When working on ${SECRET}.`, steps: ["Keep it secret"] }, { kind: "human", id: owner });
  await new OwnerScopedStore(store, owner).put(["notes"], "secret", { text: SECRET, tag: "confidential" });
}

describe.each([
  ["RedisStore", true],
  ["InMemoryStore", false],
])("owner isolation on %s", (_name, onRedis) => {
  let connection: RedisConnection | undefined;
  let keyPrefix: string;
  let store: BaseStore;

  beforeEach(async () => {
    if (onRedis) {
      connection ??= await connectRedis({ url: testRedisUrl() });
      keyPrefix = uniquePrefix("isolation");
      store = new RedisStore(connection, { keyPrefix, index });
    } else {
      store = new InMemoryStore({ index });
    }
    await seed(store, "alice");
    await new OwnerScopedStore(store, "bob").put(["notes"], "mine", { text: "Bob's shopping list", tag: "personal" });
  });
  afterEach(async () => {
    if (connection) await deleteByPrefix(connection, keyPrefix);
  });
  afterAll(async () => {
    await connection?.close();
  });

  it("recalls, retrieves and suggests nothing of alice's to bob, even for her exact words", async () => {
    expect(await new EpisodicMemory(store).recall("bob", `Plan ${SECRET}`, { k: 10 })).toEqual([]);
    expect(await new KnowledgeBase(store).search(SECRET, { owner: "bob", k: 10 })).toEqual([]);
    expect((await new ProceduralMemory(store).relevantSkills("bob", SECRET, { k: 10 })).map((found) => found.skill.name)).not.toContain("nightingale_launch");
    // Alice herself still finds all of it.
    expect(await new EpisodicMemory(store).recall("alice", SECRET)).toHaveLength(1);
    expect(await new KnowledgeBase(store).search(SECRET, { owner: "alice", k: 1 })).toHaveLength(1);
  });

  it("confines an owner-scoped store's searches, filters, gets and namespace listings to its owner", async () => {
    const bob = new OwnerScopedStore(store, "bob");
    const everything = await bob.search([], { limit: 1_000 });
    expect(everything.map((item) => item.key)).toEqual(["mine"]);
    expect(await bob.search([], { filter: { tag: "confidential" } })).toEqual([]);
    expect(await bob.search([], { query: SECRET })).toHaveLength(1);
    expect(await bob.get(["notes"], "secret")).toBeNull();
    expect(await bob.listNamespaces()).toEqual([["notes"]]);
    expect(await bob.listNamespaces({ suffix: ["knowledge"] })).toEqual([]);
    const alice = new OwnerScopedStore(store, "alice");
    expect((await alice.get(["notes"], "secret"))!.namespace).toEqual(["notes"]);
  });

  it("gives owners whose ids contain separators or wildcards their own subtree", async () => {
    for (const owner of ["*", "alice.x", "alice:x", "ali%63e"]) {
      const scoped = new OwnerScopedStore(store, owner);
      expect(await scoped.search([], { limit: 100 })).toEqual([]);
      expect(await scoped.listNamespaces()).toEqual([]);
    }
    expect(new Set(["*", "alice.x", "alice:x", "ali%63e", "alice"].map(ownerLabel)).size).toBe(5);
  });
});
