/**
 * Long-term memory wired into the graphs: episodic recall and recording for supervisors and
 * planners, the knowledge base behind search_knowledge, and skills for specialists. The
 * composition root (graphs/services.ts) opens memory once per process and passes
 * `longTermServices(memory)`; the default graph exports (what `langgraph dev` loads) use
 * `lazyLongTermServices()`, which opens it from the environment on first use (Redis when
 * configured, else embedded) and never at import.
 */
import { getEnv } from "../../lib/env.js";
import { createEpisodeHooks, createSkillSource, openLongTermMemory, type LongTermMemory } from "../../memory/index.js";
import type { GraphDeps } from "./deps.js";

/** The memory-backed services of a graph. */
export type LongTermServices = Required<Pick<GraphDeps, "memory" | "knowledge" | "skills">>;

/** Graph services on an opened long-term memory. */
export function longTermServices(memory: LongTermMemory): LongTermServices {
  return { memory: createEpisodeHooks(memory.episodes), knowledge: memory.knowledge, skills: createSkillSource(memory.skills) };
}

/** Graph services that open long-term memory from the environment when first used. */
export function lazyLongTermServices(open: () => Promise<LongTermMemory> = () => openLongTermMemory(getEnv())): LongTermServices {
  let opened: Promise<LongTermServices> | undefined;
  const services = () => {
    opened ??= open().then(longTermServices);
    // A failed open is not cached: the next run tries again (and reports the error as a rail event).
    opened.catch(() => (opened = undefined));
    return opened;
  };
  return {
    memory: {
      recall: async (goal, config) => (await services()).memory.recall!(goal, config),
      record: async (episode, config) => (await services()).memory.record!(episode, config),
    },
    knowledge: { search: async (query, options) => (await services()).knowledge.search(query, options) },
    skills: { forTask: async (task, config) => (await services()).skills.forTask(task, config) },
  };
}

let shared: LongTermServices | undefined;

/** The services of the default graph exports: one lazily opened long-term memory per process. */
export function defaultGraphServices(): GraphDeps {
  shared ??= lazyLongTermServices();
  return shared;
}
