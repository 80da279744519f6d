/**
 * Workaround for @langchain/core 1.4.0 with langsmith 0.12.0: every time a LangGraph node (and
 * several core runnables) runs, core's `AsyncLocalStorageProviderSingleton.runWithConfig`
 * configures a whole callback manager (copies of handlers, tags and metadata, environment reads)
 * only to look for a LangSmith tracer, then builds a LangSmith `RunTree` with tracing disabled
 * (about 21 µs: a dozen environment reads, 35 defined properties) only to carry the runnable's
 * config in async local storage. A trivial 3-node run does this 22 times; on the server it was
 * 15–20 % of the throughput.
 *
 * `installUntracedRunTreeReuse` replaces `runWithConfig` with one that behaves the same, except
 * that it skips the callback configuration when no tracer can come of it (`mayBeTraced`), and
 * that the disabled root `RunTree` is a copy of one built once per process, with its own id,
 * start time, dotted order, config and child lists. `untraced-run-tree.test.ts` compares it with
 * core's own method case by case, so an upgrade that changes either fails there.
 */
import { CallbackManager } from "@langchain/core/callbacks/manager";
import type { RunnableConfig } from "@langchain/core/runnables";
import { AsyncLocalStorageProviderSingleton } from "@langchain/core/singletons";
import { getEnvironmentVariable } from "@langchain/core/utils/env";
import { RunTree, uuid7 } from "langsmith";
import { convertToDottedOrderFormat, isRunTree } from "langsmith/run_trees";

/** Where core keeps a runnable's config on the run tree in async local storage. */
const CHILD_CONFIG = Symbol.for("lc:child_config");
/** Where core keeps context variables (`setContextVariable`) in async local storage. */
const CONTEXT_VARIABLES = Symbol.for("lc:context_variables");

type Store = Record<PropertyKey, unknown> & { tracingEnabled?: boolean };
type RunWithConfig = <T>(config: RunnableConfig | undefined, callback: () => T, avoidCreatingRootRunTree?: boolean) => T;
interface Provider {
  getInstance(): { getStore(): Store | undefined; run<T>(store: unknown, callback: () => T): T };
  runWithConfig: RunWithConfig;
}
interface TracerLike {
  name: string;
  getRunTreeWithTracingConfig(id: string): RunTree | undefined;
}

const provider = AsyncLocalStorageProviderSingleton as unknown as Provider;

/** Core's own `runWithConfig`, kept for the equivalence test. */
export const originalRunWithConfig: RunWithConfig = provider.runWithConfig;

let template: RunTree | undefined;
/** The dotted-order stamp of the last millisecond a copy was made in (many copies share one). */
let stamp = { epoch: -1, dotted: "", serialized: "" };

function stampOf(epoch: number, id: string): { dottedOrder: string; serialized: string } {
  if (stamp.epoch !== epoch) {
    const { dottedOrder, microsecondPrecisionDatestring } = convertToDottedOrderFormat(epoch, "", 1);
    stamp = { epoch, dotted: dottedOrder, serialized: microsecondPrecisionDatestring };
  }
  return { dottedOrder: stamp.dotted + id, serialized: stamp.serialized };
}

/**
 * A disabled root run tree like `new RunTree({ name: "<runnable_lambda>", tracingEnabled: false })`
 * carrying `config` where core keeps it, without the constructor's cost.
 */
export function untracedRootRunTree(config: RunnableConfig | undefined): RunTree {
  template ??= new RunTree({ name: "<runnable_lambda>", tracingEnabled: false });
  const startTime = Date.now();
  const id = uuid7();
  const { dottedOrder, serialized } = stampOf(startTime, id);
  // A spread then the prototype: about a seventh of Object.assign's cost on a fresh object.
  const copy = Object.setPrototypeOf({ ...template }, RunTree.prototype) as Record<string, unknown>;
  copy.id = id;
  copy.trace_id = id;
  copy.start_time = startTime;
  copy.dotted_order = dottedOrder;
  copy._serialized_start_time = serialized;
  // Every container is the copy's own: a child or event added under one run must not reach another.
  copy.child_runs = [];
  copy.extra = { ...template.extra, metadata: { ...template.extra?.metadata }, [CHILD_CONFIG]: config };
  copy.serialized = { ...template.serialized };
  copy.inputs = { ...template.inputs };
  copy.replicas = template.replicas ? [...template.replicas] : template.replicas;
  copy.caller_options = { ...(template as unknown as { caller_options?: object }).caller_options };
  return copy as unknown as RunTree;
}

/** The variables with which core turns LangSmith tracing on (any of them set: the slow path). */
const TRACING_VARIABLES = ["LANGSMITH_TRACING_V2", "LANGCHAIN_TRACING_V2", "LANGSMITH_TRACING", "LANGCHAIN_TRACING"];

/**
 * Whether core's callback configuration could hand this run to a LangSmith tracer: a tracer in
 * the config's handlers, a traced run tree around it, tracing turned on by the environment (read
 * only when no run tree decides it), or configure hooks (kept under a symbol among the context
 * variables). When none can, the configuration is skipped: its only use here is that tracer.
 */
function mayBeTraced(config: RunnableConfig | undefined, previous: Store | undefined): boolean {
  const callbacks = config?.callbacks;
  const handlers = callbacks === undefined ? [] : Array.isArray(callbacks) ? callbacks : callbacks.handlers;
  if (handlers.some((handler) => (handler as { name?: string } | undefined)?.name === "langchain_tracer")) return true;
  const variables = previous?.[CONTEXT_VARIABLES];
  if (variables && Object.getOwnPropertySymbols(variables).length > 0) return true;
  if (previous && isRunTree(previous)) return previous.tracingEnabled !== false;
  return TRACING_VARIABLES.some((name) => !!getEnvironmentVariable(name));
}

/** `runWithConfig` as core writes it, with the disabled root run tree from `untracedRootRunTree`. */
export const reusingRunWithConfig: RunWithConfig = function runWithConfig(this: Provider, config, callback, avoidCreatingRootRunTree) {
  const storage = this.getInstance();
  const previous = storage.getStore();
  let store: Store | undefined;
  const manager = mayBeTraced(config, previous) ? CallbackManager._configureSync(config?.callbacks, undefined, config?.tags, undefined, config?.metadata) : undefined;
  const parentRunId = manager?.getParentRunId();
  const tracer = manager?.handlers?.find((handler) => handler?.name === "langchain_tracer") as TracerLike | undefined;
  if (tracer && parentRunId) {
    store = tracer.getRunTreeWithTracingConfig(parentRunId) as unknown as Store | undefined;
    if (store) store.extra = { ...(store.extra as object | undefined), [CHILD_CONFIG]: config };
  } else if (!avoidCreatingRootRunTree) store = untracedRootRunTree(config) as unknown as Store;
  if (previous?.[CONTEXT_VARIABLES] !== undefined) {
    store ??= {};
    store[CONTEXT_VARIABLES] = previous[CONTEXT_VARIABLES];
  }
  return storage.run(store, callback);
};

/** Replaces core's `runWithConfig` with `reusingRunWithConfig` (idempotent); call once at start-up. */
export function installUntracedRunTreeReuse(): void {
  provider.runWithConfig = reusingRunWithConfig;
}
