import { ConfigError } from "../../lib/errors.js";
import { createEmbeddings } from "./factory.js";
import { HashedNgramEmbeddings, tokenize } from "./hashed-ngram.js";

const cosine = (a: number[], b: number[]) => a.reduce((sum, x, i) => sum + x * b[i]!, 0);

describe("HashedNgramEmbeddings", () => {
  const embedder = new HashedNgramEmbeddings();

  it("is deterministic, normalised and sized as configured", async () => {
    const [a, b] = await embedder.embedDocuments(["Redis cluster slots", "Redis cluster slots"]);
    expect(a).toEqual(b);
    expect(a).toHaveLength(384);
    expect(cosine(a!, a!)).toBeCloseTo(1, 10);
    expect(new HashedNgramEmbeddings({ dims: 64 }).vector("x")).toHaveLength(64);
  });

  it("ranks texts sharing words (and word forms) above unrelated ones", async () => {
    const query = embedder.vector("population of Berlin");
    const related = embedder.vector("Berlin's populations grew after 1990");
    const unrelated = embedder.vector("How to bake sourdough bread at home");
    expect(cosine(query, related)).toBeGreaterThan(0.3);
    expect(cosine(query, related)).toBeGreaterThan(cosine(query, unrelated) + 0.2);
  });

  it("folds case and accents and drops stop words", () => {
    expect(tokenize("The CAFÉ is in Zürich")).toEqual(["cafe", "zurich"]);
    expect(embedder.vector("")).toEqual(new Array(384).fill(0));
  });
});

describe("createEmbeddings", () => {
  it("uses the offline embedder when no embedding model is configured", () => {
    const choice = createEmbeddings({});
    expect(choice.embeddings).toBeInstanceOf(HashedNgramEmbeddings);
    expect(choice.dims).toBe(384);
  });

  it("knows the sizes of OpenAI's models and asks for the size of others", () => {
    expect(createEmbeddings({ OPENAI_EMBEDDINGS_MODEL: "text-embedding-3-small", OPENAI_API_KEY: "k" }).dims).toBe(1536);
    expect(createEmbeddings({ OPENAI_EMBEDDINGS_MODEL: "text-embedding-3-small", OPENAI_EMBEDDINGS_DIMENSIONS: 256, OPENAI_API_KEY: "k" }).dims).toBe(256);
    expect(() => createEmbeddings({ OPENAI_EMBEDDINGS_MODEL: "nomic-embed-text", OPENAI_BASE_URL: "http://localhost:1/v1" })).toThrow(ConfigError);
    expect(() => createEmbeddings({ OPENAI_EMBEDDINGS_MODEL: "text-embedding-3-small" })).toThrow(/OPENAI_API_KEY/);
  });
});
