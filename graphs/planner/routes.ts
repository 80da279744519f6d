/**
 * The plan schema and the planner's routing: which sub-tasks are ready (all their
 * dependencies done) and go out in parallel with `Send`, and when to aggregate.
 */
import { END, Send } from "@langchain/langgraph";
import { z } from "zod";
import type { RunLimits } from "../../agents/index.js";
import type { PlannedTask, PlannerStateType, TaskAssignment } from "./state.js";

/** The plan the model writes (shape only; `repairPlan` makes its dependencies consistent). */
export function planSchema(agents: readonly string[], maxTasks: number) {
  return z.object({
    tasks: z
      .array(
        z.object({
          id: z.string().min(1).describe("short unique id"),
          agent: z.enum(agents as [string, ...string[]]),
          task: z.string().min(1).describe("self-contained task"),
          dependsOn: z.array(z.string()).describe("ids of earlier tasks whose results it needs"),
        }),
      )
      .min(1)
      .max(maxTasks),
  });
}

/**
 * Makes a plan consistent instead of sending it back: duplicate ids get a suffix, and a task
 * may only depend on tasks listed before it (unknown ids, self-references and back edges are
 * dropped), which also rules out cycles. Says what it changed.
 */
export function repairPlan(tasks: readonly PlannedTask[]): { tasks: PlannedTask[]; repairs: string[] } {
  const repairs: string[] = [];
  const seen = new Set<string>();
  const repaired: PlannedTask[] = [];
  for (const task of tasks) {
    let id = task.id;
    for (let n = 2; seen.has(id); n++) id = `${task.id}-${n}`;
    if (id !== task.id) repairs.push(`renamed duplicate task id '${task.id}' to '${id}'`);
    const dependsOn = [...new Set(task.dependsOn)].filter((dependency) => {
      const ok = seen.has(dependency);
      if (!ok) repairs.push(`dropped dependency of '${id}' on '${dependency}' (not an earlier task)`);
      return ok;
    });
    seen.add(id);
    repaired.push({ ...task, id, dependsOn });
  }
  return { tasks: repaired, repairs };
}

/** Sub-tasks whose dependencies are all done and that have not run yet. */
export function readyTasks(state: PlannerStateType): PlannedTask[] {
  const done = new Set(state.results.map((result) => result.id));
  return state.plan.filter((task) => !done.has(task.id) && task.dependsOn.every((id) => done.has(id)));
}

/**
 * After scheduling: the ready sub-tasks in parallel, each with `handDown(n)` (one share of what
 * is left, the same deadline for all), aggregation, or the end.
 */
export function routeReadyTasks(state: PlannerStateType, handDown: (parts: number) => RunLimits): Send[] | "aggregate" | typeof END {
  if (state.status !== null) return END;
  const ready = readyTasks(state);
  if (ready.length === 0) return "aggregate";
  const share = handDown(ready.length);
  return ready.map((planned) => {
    const inputs = state.results
      .filter((result) => planned.dependsOn.includes(result.id))
      .map((result) => ({ id: result.id, agent: result.agent, result: result.result }));
    const assignment: TaskAssignment = { planned, inputs, limits: share };
    return new Send("run_task", assignment);
  });
}
