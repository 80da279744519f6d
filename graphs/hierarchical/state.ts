/**
 * The hierarchical graph's state: the supervisor state at every level (top and teams), so a
 * team is a sub-agent like any specialist: task brief and limits in, result and usage out.
 */
export { SupervisorInput as HierarchicalInput, SupervisorState as HierarchicalState, type SupervisorStateType as HierarchicalStateType } from "../supervisor/state.js";
