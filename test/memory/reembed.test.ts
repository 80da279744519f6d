/**
 * `--reembed` (issue 24): knowledge, episodes and skills move from the offline embedder (384
 * dims) to the stub's embeddings endpoint (64 dims) in place. During the move a running server
 * keeps answering from the old vectors, and a document written meanwhile is caught up; then the
 * server switches to the new model and vectors, as does any store opened afterwards; items, threads and
 * checkpoints are byte-for-byte untouched; a killed move resumes.
 */
import { connectRedis, type RedisConnection } from "../../lib/redis.js";
import { createEmbeddings, embeddingsForIndex } from "../../memory/embeddings/factory.js";
import { HashedNgramEmbeddings } from "../../memory/embeddings/hashed-ngram.js";
import { EpisodicMemory } from "../../memory/episodic/episodic-memory.js";
import { ProceduralMemory } from "../../memory/procedural/procedural-memory.js";
import { reembedMemory } from "../../memory/reembed.js";
import { RedisStore } from "../../memory/redis-store/store.js";
import { KnowledgeBase } from "../../memory/semantic/knowledge-base.js";
import { startOpenAIStub, type OpenAIStub } from "../support/openai-stub.js";
import { deleteByPrefix, keysUnder, testRedisUrl, uniquePrefix } from "../support/redis.js";

const TOPICS = ["aurora borealis northern lights", "tidal bore severn river", "sourdough starter bread", "glacier survey ice", "falcon project release", "lighthouse keeper duties"];

describe("re-embedding long-term memory", () => {
  let connection: RedisConnection;
  let stub: OpenAIStub;
  let keyPrefix: string;

  beforeAll(async () => {
    connection = await connectRedis({ url: testRedisUrl() });
    stub = await startOpenAIStub();
  });
  beforeEach(() => {
    keyPrefix = uniquePrefix("p24-reembed");
  });
  afterEach(async () => {
    await deleteByPrefix(connection, keyPrefix);
  });
  afterAll(async () => {
    await stub.close();
    await connection.close();
  });

  const env = () => ({ redis: { url: testRedisUrl() }, REDIS_KEY_PREFIX: keyPrefix, OPENAI_EMBEDDINGS_MODEL: "stub-embed", OPENAI_EMBEDDINGS_DIMENSIONS: 64, OPENAI_BASE_URL: stub.url });

  async function seed(): Promise<RedisStore> {
    const old = new RedisStore(connection, { keyPrefix, index: { dims: 384, embeddings: new HashedNgramEmbeddings() } });
    await old.setup();
    const knowledge = new KnowledgeBase(old);
    for (const [i, topic] of TOPICS.entries()) await knowledge.ingestDocument("ada", `notes/${i}.md`, `# Note ${i}\n\nThis note is about ${topic}.\n`);
    await new EpisodicMemory(old).record("ada", { goal: "Compare the populations of Paris and Berlin", outcome: "done", terminalState: "completed" });
    await new ProceduralMemory(old).saveSkill("ada", { name: "weather_brief", summary: "Summarise a weather forecast for a city", whenToUse: "asked about the weather", steps: ["fetch the forecast", "summarise it"] }, { kind: "human", id: "ada" });
    // Stand-ins for a thread's checkpoint and a run record: not store keys, never to be touched.
    await connection.set(`${keyPrefix}checkpoint:thread-1`, "checkpoint bytes");
    await connection.hSet(`${keyPrefix}run:r1`, { status: "success" });
    return old;
  }

  async function snapshot(filter: (key: string) => boolean): Promise<Map<string, string>> {
    const keys = (await keysUnder(connection, keyPrefix)).filter(filter).sort();
    const dumps = new Map<string, string>();
    for (const key of keys) dumps.set(key, String(await (connection as unknown as { dump(key: string): Promise<unknown> }).dump(key)));
    return dumps;
  }
  const notVectors = (key: string) => !/:vec(:g\d+)?$/.test(key) && !key.endsWith("store:index") && !key.endsWith("store:reembed") && !/:(meta|chg)$/.test(key);

  it("moves every memory to the new model while a running server answers from the old vectors, then switches", async () => {
    const old = await seed();
    const oldKnowledge = new KnowledgeBase(old);
    // A running server: on the old model, following the index pointer as openStore sets it up.
    const server = new RedisStore(connection, {
      keyPrefix,
      index: { dims: 384, embeddings: new HashedNgramEmbeddings() },
      followIndex: { embedderFor: (recorded) => embeddingsForIndex(env(), recorded), checkEveryMs: 0 },
    });
    await server.setup();
    const serverKnowledge = new KnowledgeBase(server);
    const before = await snapshot(notVectors);
    const duringMove: string[] = [];
    let lateWrite: Promise<unknown> | undefined;
    const target = createEmbeddings(env());
    // The next page waits for the late write, so it lands while the move is still under way.
    const waiting = { ...target, embeddings: Object.assign(Object.create(target.embeddings) as typeof target.embeddings, {
      async embedDocuments(texts: string[]) {
        await lateWrite;
        return target.embeddings.embedDocuments(texts);
      },
    }) };
    const result = await reembedMemory(env(), {
      embeddings: waiting,
      pageSize: 2,
      onProgress: () => {
        // Searches during the move are answered by the old model from the old vectors.
        void serverKnowledge.search("severn tidal bore", { owner: "ada", k: 1 }).then(([hit]) => duringMove.push(hit?.source ?? "none"));
        lateWrite ??= oldKnowledge.ingestDocument("ada", "notes/late.md", "# Late\n\nA note about the volcano eruption, written during the move.\n");
      },
    });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(result).toMatchObject({ alreadyCurrent: false, from: { dims: 384, generation: 0 }, to: { dims: 64, generation: 1 } });
    expect(result.items).toBeGreaterThanOrEqual(TOPICS.length + 2);
    expect(duringMove.length).toBeGreaterThan(2);
    expect(new Set(duringMove)).toEqual(new Set(["notes/1.md"]));
    expect(stub.requests.filter((request) => request.path.endsWith("/embeddings")).length).toBeGreaterThan(0);

    // During the move the server embedded its queries itself (offline): the stub saw none of them.
    const asked = (text: string) => stub.requests.some((request) => JSON.stringify(request.body?.input ?? "").includes(text));
    expect(asked("severn tidal bore")).toBe(false);
    // Once the move is done the server switches: its next search embeds with the new model and
    // reads the new vectors, which include the note written during the move.
    expect((await serverKnowledge.search("volcano eruption", { owner: "ada", k: 1 }))[0]!.source).toBe("notes/late.md");
    expect(asked("volcano eruption")).toBe(true);
    // A process that cannot build the new model keeps its generation and answers from the old vectors.
    expect((await oldKnowledge.search("lighthouse keeper", { owner: "ada", k: 1 }))[0]!.source).toBe("notes/5.md");
    // A store opened with the new model searches generation 1, including the late document.
    const fresh = new RedisStore(connection, { keyPrefix, index: { dims: 64, embeddings: target.embeddings } });
    await fresh.setup();
    const knowledge = new KnowledgeBase(fresh);
    expect((await knowledge.search("tidal bore severn river", { owner: "ada", k: 1 }))[0]!.source).toBe("notes/1.md");
    expect((await knowledge.search("volcano eruption", { owner: "ada", k: 1 }))[0]!.source).toBe("notes/late.md");
    expect((await new EpisodicMemory(fresh).recall("ada", "populations of Paris and Berlin", { k: 1 }))[0]!.episode.goal).toContain("Paris");
    expect((await new ProceduralMemory(fresh).relevantSkills("ada", "weather forecast for a city"))[0]!.skill.name).toBe("weather_brief");

    // Items, threads and run records are byte-for-byte what they were (the late note aside).
    const after = await snapshot(notVectors);
    for (const [key, dump] of before) {
      if (key.includes(":items")) continue;
      expect(after.get(key), key).toBe(dump);
    }
    expect(after.get(`${keyPrefix}checkpoint:thread-1`)).toBe(before.get(`${keyPrefix}checkpoint:thread-1`));
    // A process started with the old model now is told how to proceed.
    await expect(new RedisStore(connection, { keyPrefix, index: { dims: 384, embeddings: new HashedNgramEmbeddings() } }).setup()).rejects.toThrow(/holds 64-dim vectors/);
    expect(await reembedMemory(env(), { embeddings: target })).toMatchObject({ alreadyCurrent: true });
  });

  it("a move killed half way resumes and finishes", async () => {
    await seed();
    const target = createEmbeddings(env());
    const failing = {
      ...target,
      embeddings: Object.assign(Object.create(target.embeddings) as typeof target.embeddings, {
        calls: 0,
        async embedDocuments(this: { calls: number }, texts: string[]) {
          this.calls += 1;
          if (this.calls > 2) throw new Error("process killed");
          return target.embeddings.embedDocuments(texts);
        },
      }),
    };
    await expect(reembedMemory(env(), { embeddings: failing, pageSize: 2 })).rejects.toThrow(/process killed/);
    const index = await connection.hGetAll(`${keyPrefix}store:index`);
    expect(index).toMatchObject({ dims: "384", gen: "0", next_dims: "64", next_gen: "1" });
    const resumed = await reembedMemory(env(), { embeddings: target, pageSize: 2 });
    expect(resumed).toMatchObject({ to: { generation: 1 } });
    const fresh = new RedisStore(connection, { keyPrefix, index: { dims: 64, embeddings: target.embeddings } });
    await fresh.setup();
    for (const [i, topic] of TOPICS.entries()) expect((await new KnowledgeBase(fresh).search(topic, { owner: "ada", k: 1 }))[0]!.source).toBe(`notes/${i}.md`);
  });
});
