/**
 * The rails as every node uses them, the same way in a specialist, a supervisor, the planner
 * and a scaffolded graph:
 *
 *   const { view, update } = startRun(state, config, { newRun });    // the node that starts a run
 *   const rails = railsOf(view, config, { agent, defaultLimits });
 *   const stop = rails.check({ used, max, of: "model calls" });        // before every model call
 *   if (stop) return rails.end(update, { ...stop, result });
 *   await runSubagent(subagent, brief, rails.handDown(), config);      // a child gets what is left
 *   return rails.end(update, { status, reason, result });              // the end-of-run summary
 */
import type { LangGraphRunnableConfig } from "@langchain/langgraph";
import { Overwrite } from "@langchain/langgraph";
import type { RailEvent, RunLimits, TerminalState, Usage } from "../../lib/contracts/run.js";
import { emitProgress, emitRailEvents } from "../progress.js";
import { NO_USAGE, railEvent } from "./budgets.js";
import { eventsAfter, usageAfter, withEvents, type RailEventsUpdate, type UsageUpdate } from "./channels.js";
import { handDownLimits, RAILS, tighterLimits } from "./limits.js";
import type { RailRun, RailTrip } from "./rail.js";
import { railSettings, type RailSettings } from "./settings.js";

/** The rail channels of a state, as the rails read them. */
export interface RailView {
  limits: RunLimits | null;
  usage: Usage;
  railEvents: RailEvent[];
  startedAt: number | null;
}

/** The rail channels a node may write. */
export interface RailUpdate {
  usage?: UsageUpdate;
  railEvents?: RailEventsUpdate;
  startedAt?: number | null;
  status?: TerminalState | null;
  statusReason?: string | null;
  result?: string | null;
}

/** Who the rails act for, and the limits of a run that sets none. */
export interface RailOptions {
  agent: string;
  /** The graph's default limits (over DEFAULT_LIMITS); the run's `configurable.limits` go over them. */
  defaultLimits?: RunLimits | undefined;
}

/** A node's own iteration limit: model calls of a specialist, delegations of a supervisor. */
export interface IterationLimit {
  used: number;
  max: number;
  of: "model calls" | "delegations";
}

/** Why the run must stop now: its terminal state, the reason and the rail events to record. */
export interface RailStop {
  status: TerminalState;
  reason: string;
  events: RailEvent[];
}

/** How a node ends the run. */
export interface RunEnding {
  status: TerminalState;
  reason: string;
  /** The answer, or what was found before the run stopped. */
  result: string;
  events?: readonly RailEvent[];
  /** Stores the run's summary (an episode); rail events it returns (a memory error) join the run's. */
  record?: (summary: RunSummary) => Promise<RailEvent[]>;
}

/** The end-of-run summary: how the run ended, what it spent and what the rails did. */
export interface RunSummary {
  agent: string;
  status: TerminalState;
  statusReason: string;
  result: string;
  usage: Usage;
  railEvents: RailEvent[];
}

/** The rails of one node step. */
export interface Rails {
  readonly agent: string;
  readonly settings: RailSettings;
  /** The run's limits: what its caller handed down, within the run's settings. */
  readonly limits: RunLimits;
  /** The before-every-model-call check: cancellation, every rail, then the node's iteration limit. */
  check(iterations?: IterationLimit): RailStop | undefined;
  /** The first rail that trips with `usage` (default: the view's), if any. */
  trip(usage?: Usage): RailTrip | undefined;
  /** What a child may spend now; with `parts` children in parallel, one share each. */
  handDown(parts?: number): RunLimits;
  /** Ends the run: terminal state, reason, result and rail events in the update; tells progress listeners. */
  end<U extends object>(update: U, ending: RunEnding): Promise<U & RailUpdate>;
}

const ITERATION_REASON: Record<IterationLimit["of"], (agent: string, max: number) => string> = {
  "model calls": (agent, max) => `${agent} reached its iteration limit (${max} model calls).`,
  delegations: (agent, max) => `${agent} reached its limit of ${max} delegations.`,
};

/**
 * Starts a run: on a new run the rail channels reset (nothing spent, `events` only, started
 * now); a run that has no start yet is stamped. Returns the state as the run sees it and the
 * update that records it.
 */
export function startRun<S extends RailView>(
  state: S,
  config: LangGraphRunnableConfig,
  options: { newRun: boolean; events?: RailEvent[] },
): { view: S; update: RailUpdate } {
  if (!options.newRun && state.startedAt !== null) return { view: state, update: {} };
  const startedAt = railSettings(config).clock();
  if (!options.newRun) return { view: { ...state, startedAt }, update: { startedAt } };
  const events = options.events ?? [];
  const reset = { startedAt, status: null, statusReason: null, result: null };
  const update: RailUpdate = { ...reset, usage: new Overwrite(NO_USAGE), railEvents: new Overwrite(events) };
  return { view: { ...state, ...reset, usage: NO_USAGE, railEvents: events }, update };
}

/** The rails of a node step over `view` (the state, or the state as a new run sees it). */
export function railsOf(view: RailView, config: LangGraphRunnableConfig, options: RailOptions): Rails {
  const { agent } = options;
  const settings = railSettings(config, options.defaultLimits);
  const limits = view.limits ? tighterLimits(view.limits, settings.limits) : settings.limits;
  const run = (usage: Usage): RailRun => ({ limits, usage, startedAt: view.startedAt, now: settings.clock });
  const trip = (usage: Usage = view.usage) => {
    const current = run(usage);
    for (const rail of RAILS) {
      const tripped = rail.check(current);
      if (tripped) return tripped;
    }
    return undefined;
  };
  return {
    agent,
    settings,
    limits,
    trip,
    check(iterations) {
      if (config.signal?.aborted) return { status: "cancelled", reason: "The run was cancelled.", events: [] };
      const tripped = trip();
      if (tripped) return { status: "budget_exceeded", reason: tripped.reason, events: [railEvent(tripped.kind, agent, tripped.reason)] };
      if (iterations && iterations.used >= iterations.max) {
        const reason = ITERATION_REASON[iterations.of](agent, iterations.max);
        return { status: "budget_exceeded", reason, events: [railEvent("iteration_limit", agent, reason)] };
      }
      return undefined;
    },
    handDown: (parts = 1) => handDownLimits(run(view.usage), parts),
    async end<U extends object>(update: U, ending: RunEnding): Promise<U & RailUpdate> {
      const { status, reason, result } = ending;
      let events = ending.events ?? [];
      if (ending.record) {
        const pending = update as RailUpdate;
        const railEvents = [...eventsAfter(view.railEvents, pending.railEvents), ...events];
        const summary: RunSummary = { agent, status, statusReason: reason, result, usage: usageAfter(view.usage, pending.usage), railEvents };
        const recorded = await ending.record(summary);
        if (recorded.length > 0) events = [...events, ...recorded];
      }
      emitRailEvents(config, events);
      emitProgress(config, { type: "agent_end", agent, status, reason });
      return withEvents({ ...update, status, statusReason: reason, result } as U & RailUpdate, events);
    },
  };
}
