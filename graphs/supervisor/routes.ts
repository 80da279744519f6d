/**
 * The supervisor's decision schema and its routing functions (pure, typed with the node names
 * they return).
 */
import { END } from "@langchain/langgraph";
import { z } from "zod";
import type { SupervisorStateType } from "./state.js";

/** The decision the supervisor's model makes each step. */
export function decisionSchema(subagents: readonly string[]) {
  return z.object({
    next: z.enum([...subagents, "finish"] as unknown as [string, ...string[]]).describe("who works next, or finish"),
    task: z.string().describe("brief for that specialist; empty when finishing"),
    answer: z.string().describe("final answer to the user when finishing; empty otherwise"),
  });
}

/** A supervisor decision. */
export type SupervisorDecision = z.infer<ReturnType<typeof decisionSchema>>;

/** After a decision: the chosen sub-agent, the supervisor again (after a note), or the end. */
export function routeFromSupervisor<Name extends string>(state: SupervisorStateType): Name | "supervisor" | typeof END {
  if (state.status !== null) return END;
  return state.next ? (state.next as Name) : "supervisor";
}

/** After a sub-agent: back to the supervisor, unless the sub-agent ended the run. */
export function routeAfterSubagent(state: SupervisorStateType): "supervisor" | typeof END {
  return state.status !== null ? END : "supervisor";
}
