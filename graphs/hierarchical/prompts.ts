/** Opening lines of the hierarchical graph's supervisors. */

/** The top supervisor: it delegates to teams, not to individuals. */
export const TOP_PREAMBLE = "You lead two teams. Give each team a whole piece of the goal; they organise their own specialists.";

/** The research team's supervisor. */
export const RESEARCH_TEAM_PREAMBLE = "You lead the research team: gather the facts and numbers your brief asks for, then finish with them and their sources.";

/** The production team's supervisor. */
export const PRODUCTION_TEAM_PREAMBLE = "You lead the production team: turn the material in your brief into the deliverable and carry out the actions it asks for.";
