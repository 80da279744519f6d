/**
 * Small tool specs for unit tests of agents and graphs: deterministic, instant, no network.
 */
import { z } from "zod";
import type { AnyToolSpec } from "../../agents/react/tool-contract.js";

/** Answers with a fixed text per query; counts its runs. */
export function lookupTool(answers: Record<string, string> = {}, name = "lookup"): AnyToolSpec & { runs: number } {
  const spec = {
    name,
    description: "Looks a query up in a small fixed table and returns what it knows.",
    schema: z.object({ query: z.string().min(1).describe("what to look up") }),
    timeoutMs: 1_000,
    sideEffect: "read_only" as const,
    runs: 0,
    async run({ query }: { query: string }) {
      spec.runs += 1;
      return answers[query] ?? `nothing known about ${query}`;
    },
  };
  return spec;
}

/** Returns a text of `size` characters, to fill context windows. */
export function bigTool(size: number): AnyToolSpec {
  return {
    name: "big",
    description: "Returns a very long document about the query.",
    schema: z.object({ query: z.string() }),
    timeoutMs: 1_000,
    sideEffect: "read_only",
    async run({ query }: { query: string }) {
      return `${query}: ${"lorem ipsum ".repeat(Math.ceil(size / 12))}`.slice(0, size);
    },
  };
}

/** A side-effecting tool that records what it sent. */
export function sendTool(): AnyToolSpec & { sent: unknown[] } {
  const spec = {
    name: "send_note",
    description: "Sends a note to the team channel (an external side effect).",
    schema: z.object({ text: z.string().min(1) }),
    timeoutMs: 1_000,
    sideEffect: "external_side_effect" as const,
    sent: [] as unknown[],
    async run(args: { text: string }) {
      spec.sent.push(args);
      return "sent";
    },
  };
  return spec;
}
