/**
 * The plan schema and the planner's routing: which sub-tasks are ready (all their
 * dependencies done) and go out in parallel with `Send`, and when to aggregate.
 */
import { END, Send } from "@langchain/langgraph";
import { z } from "zod";
import { remainingLimits, splitLimits, type RunLimits } from "../../agents/index.js";
import type { PlannedTask, PlannerStateType, TaskAssignment } from "./state.js";

/** The plan the model writes, with its consistency checked (ids, agents, dependencies, no cycles). */
export function planSchema(agents: readonly string[], maxTasks: number) {
  return z
    .object({
      tasks: z
        .array(
          z.object({
            id: z.string().min(1).describe("short unique id"),
            agent: z.enum(agents as [string, ...string[]]),
            task: z.string().min(1).describe("self-contained task"),
            dependsOn: z.array(z.string()).describe("ids whose results it needs"),
          }),
        )
        .min(1)
        .max(maxTasks),
    })
    .superRefine((plan, ctx) => {
      const ids = new Set<string>();
      for (const task of plan.tasks) {
        if (ids.has(task.id)) ctx.addIssue({ code: "custom", message: `task id '${task.id}' is used twice` });
        ids.add(task.id);
      }
      for (const task of plan.tasks) {
        for (const dependency of task.dependsOn) {
          if (!ids.has(dependency)) ctx.addIssue({ code: "custom", message: `task '${task.id}' depends on unknown task '${dependency}'` });
        }
      }
      if (hasCycle(plan.tasks)) ctx.addIssue({ code: "custom", message: "the dependencies form a cycle" });
    });
}

function hasCycle(tasks: readonly PlannedTask[]): boolean {
  const byId = new Map(tasks.map((task) => [task.id, task]));
  const state = new Map<string, "visiting" | "done">();
  const visit = (id: string): boolean => {
    if (state.get(id) === "done") return false;
    if (state.get(id) === "visiting") return true;
    state.set(id, "visiting");
    const cyclic = (byId.get(id)?.dependsOn ?? []).some(visit);
    state.set(id, "done");
    return cyclic;
  };
  return tasks.some((task) => visit(task.id));
}

/** Sub-tasks whose dependencies are all done and that have not run yet. */
export function readyTasks(state: PlannerStateType): PlannedTask[] {
  const done = new Set(state.results.map((result) => result.id));
  return state.plan.filter((task) => !done.has(task.id) && task.dependsOn.every((id) => done.has(id)));
}

/** After scheduling: the ready sub-tasks in parallel (each with its share of the budgets), aggregation, or the end. */
export function routeReadyTasks(state: PlannerStateType, limits: RunLimits): Send[] | "aggregate" | typeof END {
  if (state.status !== null) return END;
  const ready = readyTasks(state);
  if (ready.length === 0) return "aggregate";
  const share = splitLimits(remainingLimits(limits, state.usage), ready.length);
  return ready.map((planned) => {
    const inputs = state.results
      .filter((result) => planned.dependsOn.includes(result.id))
      .map((result) => ({ id: result.id, agent: result.agent, result: result.result }));
    const assignment: TaskAssignment = { planned, inputs, limits: share };
    return new Send("run_task", assignment);
  });
}
