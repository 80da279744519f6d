/**
 * The seams graphs and agents call: an episode recorded at the end of one run changes what the
 * supervisor is shown at the start of a later run of the same owner (and of no other owner); a
 * specialist gets the skills that fit its task.
 */
import { InMemoryStore } from "@langchain/langgraph-checkpoint";
import { HashedNgramEmbeddings } from "../../memory/embeddings/hashed-ngram.js";
import { EpisodicMemory } from "../../memory/episodic/episodic-memory.js";
import type { RunEpisode } from "../../lib/contracts/memory.js";
import { createEpisodeHooks } from "../../memory/episodic/run-episodes.js";
import { createSkillSource } from "../../memory/procedural/skills-for-task.js";
import { ProceduralMemory } from "../../memory/procedural/procedural-memory.js";

const run = (goal: string, answer: string, extra: Partial<RunEpisode> = {}): RunEpisode => ({
  graphId: "supervisor",
  goal,
  answer,
  status: "completed",
  statusReason: null,
  steps: [{ agent: "researcher", task: "find both populations", result: "Paris 2.1M (2023), Berlin 3.7M (2023)", status: "completed" }],
  usage: { inputTokens: 1_200, outputTokens: 300, totalTokens: 1_500, costUsd: 0, modelCalls: 2, toolCalls: 0 },
  railEvents: [{ kind: "tool_denied", agent: "operator", tool: "send_webhook", detail: "denied by policy", at: "2026-01-01T00:00:00.000Z" }],
  ...extra,
});

describe("episodic seam", () => {
  const store = new InMemoryStore({ index: { dims: 384, embeddings: new HashedNgramEmbeddings() } });
  const seam = createEpisodeHooks(new EpisodicMemory(store));
  const ada = { configurable: { user_id: "ada", thread_id: "t1" }, runId: "run-1" };

  it("shows a later run of the same owner what an earlier run found", async () => {
    expect(await seam.recall("Compare the populations of Paris and Berlin", ada)).toEqual([]);
    await seam.record(run("Compare the populations of Paris and Berlin", "Berlin (3.7M) is larger than Paris (2.1M)."), ada);
    await seam.record(run("Draft a poem about the sea", "A poem."), { configurable: { user_id: "ada" } });
    const later = await seam.recall("How many people live in Berlin versus Paris?", { configurable: { user_id: "ada", thread_id: "t2" } });
    // Facts the system recorded, never the run's text (issue 18: memory that cannot steer).
    expect(later[0]).toContain("topic words: compare, populations, paris, berlin");
    expect(later[0]).toContain("researcher 1 ok");
    expect(later[0]).toContain("send_webhook 0 ok/1 failed");
    expect(later[0]).toContain("1500 tokens");
    expect(later[0]).not.toMatch(/3\.7M|find both populations|denied by policy/);
  });

  it("shows nothing of it to another owner", async () => {
    expect(await seam.recall("Compare the populations of Paris and Berlin", { configurable: { user_id: "bob" } })).toEqual([]);
  });

  it("keys an episode by its run, so recording a run twice keeps one episode", async () => {
    await seam.record(run("Count the moons of Mars", "Two: Phobos and Deimos."), { configurable: { user_id: "cy" }, runId: "r" } as never);
    await seam.record(run("Count the moons of Mars", "Two: Phobos and Deimos.", { status: "budget_exceeded", statusReason: "Out of tokens." }), { configurable: { user_id: "cy" }, runId: "r" } as never);
    const recalled = await new EpisodicMemory(store).list("cy");
    expect(recalled).toHaveLength(1);
    expect(recalled[0]!.episode).toMatchObject({ terminalState: "budget_exceeded", outcome: "Out of tokens. Two: Phobos and Deimos." });
  });
});

describe("skills seam", () => {
  it("gives a specialist the skills that fit its task and none for an unrelated one", async () => {
    const store = new InMemoryStore({ index: { dims: 384, embeddings: new HashedNgramEmbeddings() } });
    const skills = new ProceduralMemory(store);
    await skills.syncSkillsFolder("skills");
    const seam = createSkillSource(skills);
    const section = await seam.forTask("compare the populations of two cities", { configurable: { user_id: "ada" } });
    expect(section).toContain("Skill compare_figures");
    expect(section).toContain("1. Find each figure");
    expect(await seam.forTask("zzz qqq", { configurable: {} })).toBe("");
  });
});
