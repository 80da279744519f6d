/**
 * Episodic memory: one episode per finished run, stored under its owner; before planning, the
 * supervisor recalls the episodes whose goals are most like the new goal.
 */
import { randomUUID } from "node:crypto";
import type { BaseStore } from "@langchain/langgraph-checkpoint";
import { InvalidInputError } from "../../lib/errors.js";
import { ownerNamespace } from "../owners.js";
import { episodeInputSchema, type Episode, type EpisodeInput } from "./episode.js";

/** An episode recalled for a goal, with its similarity. */
export interface RecalledEpisode {
  id: string;
  episode: Episode;
  /** Similarity of its goal to the goal recalled for (higher is closer), when ranked by vectors. */
  score: number | undefined;
}

/** Options of episodic memory. */
export interface EpisodicMemoryOptions {
  /** Forget episodes after this many minutes (on stores with per-item TTL, e.g. RedisStore). */
  ttlMinutes?: number;
}

/** The episodes namespace of an owner. */
export function episodesNamespace(owner: string): string[] {
  return ownerNamespace(owner, "episodes");
}

/** Records and recalls episodes in a BaseStore (RedisStore, or InMemoryStore when embedded). */
export class EpisodicMemory {
  constructor(
    private readonly store: BaseStore,
    private readonly options: EpisodicMemoryOptions = {},
  ) {}

  /** Stores an episode under its owner; the run id (if any) is the key, so re-recording replaces. */
  async record(owner: string, input: EpisodeInput): Promise<{ id: string; episode: Episode }> {
    const parsed = episodeInputSchema.safeParse(input);
    if (!parsed.success) {
      throw new InvalidInputError(`Invalid episode: ${parsed.error.issues.map((issue) => `${issue.path.join(".")} ${issue.message}`).join("; ")}`, {
        issues: parsed.error.issues.map((issue) => ({ path: issue.path.join("."), message: issue.message })),
      });
    }
    const value = parsed.data;
    const episode: Episode = {
      ...value,
      endedAt: value.endedAt ?? new Date().toISOString(),
      tokens: { ...value.tokens, total: value.tokens.input + value.tokens.output },
    };
    const id = value.runId ?? randomUUID();
    // Only the goal is embedded: recall asks "which earlier runs had a goal like this one?".
    const index = ["goal"];
    // `ttl` on a put op is RedisStore's (and the official Redis store's) extension; others ignore it.
    const ttl = this.options.ttlMinutes === undefined ? {} : { ttl: this.options.ttlMinutes };
    await this.store.batch([{ namespace: episodesNamespace(owner), key: id, value: episode, index, ...ttl }]);
    return { id, episode };
  }

  /** The `k` past episodes of this owner whose goals are most similar to `goal`. */
  async recall(owner: string, goal: string, options: { k?: number; minScore?: number } = {}): Promise<RecalledEpisode[]> {
    const found = await this.store.search(episodesNamespace(owner), { query: goal, limit: options.k ?? 3 });
    return found
      // Without a threshold, only episodes with no similarity at all (score <= 0) are left out.
      .filter((item) => item.score === undefined || item.score >= (options.minScore ?? Number.MIN_VALUE))
      .map((item) => ({ id: item.key, episode: item.value as Episode, score: item.score }));
  }

  /** An owner's episodes in the order they were recorded (oldest first). */
  async list(owner: string, options: { limit?: number; offset?: number } = {}): Promise<{ id: string; episode: Episode }[]> {
    const found = await this.store.search(episodesNamespace(owner), { limit: options.limit ?? 50, offset: options.offset ?? 0 });
    return found.map((item) => ({ id: item.key, episode: item.value as Episode }));
  }
}
