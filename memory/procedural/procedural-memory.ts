/**
 * Procedural memory: a library of skills. Shared skills come from the Markdown files in `skills/`
 * (loaded into the store, kept in step with the folder); an owner's own skills are saved by a
 * human or by an agent action a human approved. Agents look up the skills relevant to a task.
 */
import { createHash } from "node:crypto";
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import type { BaseStore } from "@langchain/langgraph-checkpoint";
import { InvalidInputError } from "../../lib/errors.js";
import { ownerNamespace, SHARED_ROOT } from "../owners.js";
import { checkSkill, parseSkillMarkdown, type Skill } from "./skill.js";

/** Namespace of the shared skills (from `skills/`). */
export const SHARED_SKILLS_NAMESPACE = [SHARED_ROOT, "skills"];

/** Namespace of an owner's own skills. */
export function ownerSkillsNamespace(owner: string): string[] {
  return ownerNamespace(owner, "skills");
}

/** Who saves a skill: a human, or an agent whose action a human approved. */
export type SkillAuthor = { kind: "human"; id: string } | { kind: "agent"; id: string; approvedBy: string };

/** A skill found for a task. */
export interface RelevantSkill {
  skill: Skill;
  scope: "shared" | "owner";
  score: number | undefined;
}

interface StoredSkill extends Skill {
  /** What gets embedded: the name in words plus when to use it. */
  summary: string;
  source: string;
  contentHash: string;
  author?: SkillAuthor;
  savedAt: string;
}

function stored(skill: Skill, source: string, extra: Partial<StoredSkill> = {}): StoredSkill {
  const contentHash = createHash("sha256").update(JSON.stringify(skill)).digest("hex");
  return { ...skill, summary: `${skill.name.replace(/_/g, " ")}: ${skill.whenToUse}`, source, contentHash, savedAt: new Date().toISOString(), ...extra };
}

const toSkill = ({ name, whenToUse, steps, notes }: StoredSkill): Skill => ({ name, whenToUse, steps, ...(notes ? { notes } : {}) });

/** The skills library over a BaseStore. */
export class ProceduralMemory {
  constructor(private readonly store: BaseStore) {}

  /**
   * Loads every `*.md` skill of a folder into the shared library: new and changed files are
   * written, unchanged ones skipped, skills whose file is gone removed. Names must be unique.
   */
  async syncSkillsFolder(directory: string, sourcePrefix = "skills"): Promise<{ loaded: number; changed: number; removed: number }> {
    const files = (await readdir(directory)).filter((file) => file.endsWith(".md") && file.toLowerCase() !== "readme.md").sort();
    const skills = new Map<string, StoredSkill>();
    for (const file of files) {
      const source = `${sourcePrefix}/${file}`;
      const skill = parseSkillMarkdown(await readFile(join(directory, file), "utf8"), source);
      const clash = skills.get(skill.name);
      if (clash) throw new InvalidInputError(`Skill name '${skill.name}' is used by both ${clash.source} and ${source}; rename one.`);
      skills.set(skill.name, stored(skill, source));
    }
    const existing = await this.store.search(SHARED_SKILLS_NAMESPACE, { limit: 10_000 });
    const current = new Map(existing.map((item) => [item.key, item.value as StoredSkill]));
    const writes = [...skills.values()].filter((skill) => current.get(skill.name)?.contentHash !== skill.contentHash);
    const removals = [...current.values()].filter((skill) => skill.source.startsWith(`${sourcePrefix}/`) && !skills.has(skill.name));
    await this.store.batch([
      ...writes.map((skill) => ({ namespace: SHARED_SKILLS_NAMESPACE, key: skill.name, value: skill, index: ["summary"] })),
      ...removals.map((skill) => ({ namespace: SHARED_SKILLS_NAMESPACE, key: skill.name, value: null })),
    ]);
    return { loaded: skills.size, changed: writes.length, removed: removals.length };
  }

  /** Saves an owner's skill (the `save_skill` path); an agent's save needs a human's approval. */
  async saveSkill(owner: string, candidate: unknown, author: SkillAuthor): Promise<Skill> {
    if (author.kind === "agent" && !author.approvedBy?.trim()) {
      throw new InvalidInputError(`Agent '${author.id}' cannot save a skill without a human's approval (approvedBy).`);
    }
    const skill = checkSkill(candidate);
    await this.store.put(ownerSkillsNamespace(owner), skill.name, stored(skill, `saved by ${author.kind} ${author.id}`, { author }), ["summary"]);
    return skill;
  }

  /** Removes one of an owner's skills. */
  async removeSkill(owner: string, name: string): Promise<void> {
    await this.store.delete(ownerSkillsNamespace(owner), name);
  }

  /** The skills most relevant to a task: the owner's own and the shared ones (an owner's skill wins a name clash). */
  async relevantSkills(owner: string, task: string, options: { k?: number; minScore?: number } = {}): Promise<RelevantSkill[]> {
    const k = options.k ?? 3;
    const [own, shared] = await Promise.all([
      this.store.search(ownerSkillsNamespace(owner), { query: task, limit: k }),
      this.store.search(SHARED_SKILLS_NAMESPACE, { query: task, limit: k }),
    ]);
    const byName = new Map<string, RelevantSkill>();
    for (const [scope, items] of [["shared", shared], ["owner", own]] as const) {
      for (const item of items) byName.set(item.key, { skill: toSkill(item.value as StoredSkill), scope, score: item.score });
    }
    return [...byName.values()]
      // Without a threshold, only skills with no similarity at all (score <= 0) are left out.
      .filter((found) => found.score === undefined || found.score >= (options.minScore ?? Number.MIN_VALUE))
      .sort((a, b) => (b.score ?? -Infinity) - (a.score ?? -Infinity))
      .slice(0, k);
  }
}
