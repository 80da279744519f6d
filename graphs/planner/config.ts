/** Build-time options of the planner graph. */

/** Options of `createPlannerBuilder`. */
export interface PlannerOptions {
  /** Most sub-tasks in a plan. */
  maxTasks?: number;
}

/** Default plan size: enough for a few parallel lookups, a computation and a write-up. */
export const DEFAULT_MAX_TASKS = 6;
