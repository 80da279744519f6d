/**
 * The hierarchical graph's teams: who is in each, and their hop limits.
 */
import type { SpecialistName } from "../../agents/index.js";

/** A team of the hierarchical graph. */
export interface TeamDefinition {
  name: string;
  description: string;
  preamble: string;
  members: readonly SpecialistName[];
  maxHops: number;
}

/** Build-time options of the hierarchical graph. */
export interface HierarchicalOptions {
  /** Most delegations of the top supervisor per run. */
  maxHops?: number;
  /** Replace the team definitions. */
  teams?: readonly TeamDefinition[];
}
