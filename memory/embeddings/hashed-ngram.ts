/**
 * HashedNgramEmbeddings: a deterministic, offline embedder. Each text becomes a bag of features
 * (words, adjacent word pairs, and the character trigrams of words, so "population" and
 * "populations" overlap) hashed into a fixed number of dimensions with a sign bit (feature
 * hashing), weighted by kind × (1 + log(count)), then L2-normalised. No model, no network: it ranks by
 * lexical overlap, which is what an offline default can honestly offer.
 */
import { Embeddings } from "@langchain/core/embeddings";

/** Options of the hashed n-gram embedder. */
export interface HashedNgramOptions {
  /** Output dimensions (default 384). */
  dims?: number;
}

// Words that carry no topic; dropping them keeps "the" from dominating short texts.
const STOP_WORDS = new Set(
  "a an and are as at be been but by can did do does for from had has have how i if in into is it its of on or our so than that the their them then there these they this to was we were what when where which who why will with you your".split(" "),
);

/** 32-bit FNV-1a. */
function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i += 1) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** Lower-cased, accent-free word tokens without stop words. */
export function tokenize(text: string): string[] {
  return text
    .normalize("NFKD")
    .replace(/\p{M}+/gu, "")
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((word) => word.length > 0 && !STOP_WORDS.has(word));
}

/** A deterministic local embedder over hashed word n-grams and character trigrams. */
export class HashedNgramEmbeddings extends Embeddings {
  /** Output dimensions. */
  readonly dims: number;
  /** Identifies this embedder in the store's index fingerprint. */
  readonly model: string;

  constructor(options: HashedNgramOptions = {}) {
    super({});
    this.dims = options.dims ?? 384;
    if (!Number.isInteger(this.dims) || this.dims < 8) throw new RangeError(`HashedNgramEmbeddings needs at least 8 dims, got ${this.dims}.`);
    this.model = `hashed-ngram-v1-${this.dims}`;
  }

  /** Embeds one text synchronously. */
  vector(text: string): number[] {
    const counts = new Map<string, { count: number; weight: number }>();
    const add = (feature: string, weight: number) => {
      const seen = counts.get(feature);
      if (seen) seen.count += 1;
      else counts.set(feature, { count: 1, weight });
    };
    const words = tokenize(text);
    words.forEach((word, i) => {
      add(`w:${word}`, 1);
      if (i > 0) add(`b:${words[i - 1]} ${word}`, 0.7);
      const padded = `^${word}$`;
      for (let c = 0; c + 3 <= padded.length; c += 1) add(`c:${padded.slice(c, c + 3)}`, 0.25);
    });
    const vector = new Array<number>(this.dims).fill(0);
    for (const [feature, { count, weight }] of counts) {
      const hash = fnv1a(feature);
      const sign = hash & 0x80000000 ? -1 : 1;
      vector[hash % this.dims]! += sign * weight * (1 + Math.log(count));
    }
    const norm = Math.sqrt(vector.reduce((sum, x) => sum + x * x, 0));
    return norm > 0 ? vector.map((x) => x / norm) : vector;
  }

  /** Embeds documents (no I/O; never fails). */
  async embedDocuments(texts: string[]): Promise<number[][]> {
    return texts.map((text) => this.vector(text));
  }

  /** Embeds a query the same way as a document. */
  async embedQuery(text: string): Promise<number[]> {
    return this.vector(text);
  }
}
