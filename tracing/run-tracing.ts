/**
 * Tracing for one graph run, the same for the CLI and the server: LangSmith (when
 * LANGSMITH_TRACING=true) with the anonymizer and Switchboard's run metadata, and the local
 * recorder that keeps the step tree with tokens and cost in the trace store.
 *
 *   const tracing = createRunTracing({ env, traceStore, runId, threadId, graphId, owner });
 *   await graph.stream(input, { ...config, ...tracing.config });
 *   const trace = await tracing.finish(status);   // after the stream ends, also on errors
 *   ...on exit / shutdown: await flushTraces();
 */
import type { BaseCallbackHandler } from "@langchain/core/callbacks/base";
import { awaitAllCallbacks } from "@langchain/core/callbacks/promises";
import { installLinearCallbackCopy } from "../lib/callback-manager-copy.js";
import type { Env } from "../lib/env.js";
import { silentLogger, type Logger } from "../lib/logger.js";
import type { RunTrace, TraceStore } from "./trace.js";
import { DEFAULT_PRICES, type PriceTable } from "../lib/prices.js";
import { flushLangSmith, langsmithClient, SwitchboardTracer, traceAnonymizer } from "./langsmith.js";
import { terminalStateOf, TraceRecorder } from "./recorder.js";

/** What `createRunTracing` needs to know about the run. */
export interface RunTracingOptions {
  env: Env;
  traceStore: TraceStore;
  /** The run id; pass the same id as `runId` of the graph call (`tracing.config` does). */
  runId: string;
  threadId: string | null;
  graphId: string;
  /** The run's owner (user or tenant id); default `default`. */
  owner?: string;
  /** Field names tools mark as secret (their specs' `secretFields`). */
  secretFields?: Iterable<string>;
  /** Model prices for cost (default: lib/prices.ts; a run's `configurable.prices` if it has one). */
  prices?: PriceTable;
  /** More metadata for every traced step (e.g. `{ client: "cli" }`). */
  metadata?: Record<string, unknown>;
  tags?: string[];
  /** Longest text kept per field of the local trace (default 4,000). */
  maxFieldChars?: number;
  logger?: Logger;
  /** Called once with the final trace by `finish` (cost metrics plug in here). */
  onFinish?: (trace: RunTrace) => void | Promise<void>;
}

/** Tracing of one run. */
export interface RunTracing {
  /** Spread into the graph call's config: `runId`, `callbacks`, `metadata`, `tags`. */
  config: { runId: string; callbacks: BaseCallbackHandler[]; metadata: Record<string, unknown>; tags: string[] };
  callbacks: BaseCallbackHandler[];
  metadata: Record<string, unknown>;
  tags: string[];
  /** Where the run goes in LangSmith, when LangSmith tracing is on. */
  langsmith: { project: string; runId: string } | null;
  /**
   * Waits until the run's steps are recorded, sets the terminal state the caller saw (null:
   * keep the one recorded), saves, reports to `onFinish`, and returns the trace (null when
   * the graph never started). Never throws.
   */
  finish(terminalState?: string | null): Promise<RunTrace | null>;
}

/** Builds the tracing of one run; see the module comment. */
export function createRunTracing(options: RunTracingOptions): RunTracing {
  // A traced run copies a callback manager per child runnable; core's copy is quadratic (see lib/).
  installLinearCallbackCopy();
  const { env } = options;
  const owner = options.owner ?? "default";
  const logger = options.logger ?? silentLogger();
  const anonymize = traceAnonymizer(env, options.secretFields);
  const recorder = new TraceRecorder(
    { runId: options.runId, threadId: options.threadId, graphId: options.graphId, owner },
    {
      store: options.traceStore,
      prices: options.prices ?? DEFAULT_PRICES,
      maxFieldChars: options.maxFieldChars ?? 4_000,
      maxBytes: env.TRACE_MAX_KB * 1024,
      anonymize,
      logger,
    },
  );
  const metadata: Record<string, unknown> = {
    ...options.metadata,
    graph_id: options.graphId,
    thread_id: options.threadId,
    run_id: options.runId,
    owner,
  };
  const tags = [...(options.tags ?? []), `graph:${options.graphId}`];
  const callbacks: BaseCallbackHandler[] = [recorder];
  let langsmith: RunTracing["langsmith"] = null;
  if (env.LANGSMITH_TRACING) {
    const project = env.LANGSMITH_PROJECT ?? "default";
    const tracer = new SwitchboardTracer(
      { client: langsmithClient(env), projectName: project },
      {
        graphId: options.graphId,
        agents: new Map(),
        // The recorder handles the root's end first (callbacks run in order), so its cost is ready.
        rootMetadata: (outputs, error) => {
          const cost = recorder.trace?.cost.total;
          return {
            terminal_state: terminalStateOf(outputs, error),
            ...(cost ? { total_tokens: cost.totalTokens, input_tokens: cost.inputTokens, output_tokens: cost.outputTokens, cost_usd: cost.costUsd } : {}),
          };
        },
      },
    );
    callbacks.push(tracer);
    langsmith = { project, runId: options.runId };
  }
  let finished: Promise<RunTrace | null> | undefined;
  return {
    config: { runId: options.runId, callbacks, metadata, tags },
    callbacks,
    metadata,
    tags,
    langsmith,
    finish(terminalState = null) {
      finished ??= (async () => {
        try {
          // The recorder runs inline; only the LangSmith tracer works in core's background queue.
          if (langsmith) await awaitAllCallbacks();
          const trace = await recorder.finish(terminalState);
          if (trace) await options.onFinish?.(trace);
          return trace;
        } catch (error) {
          logger.warn({ err: error, runId: options.runId }, "could not finish the run's trace");
          return null;
        }
      })();
      return finished;
    },
  };
}

/**
 * Sends every queued trace (callbacks, local saves, LangSmith batches); call before exit and
 * on shutdown. Resolves to false when `timeoutMs` passed first (e.g. LangSmith unreachable:
 * the client keeps retrying, a process should not wait for it forever).
 */
export async function flushTraces(options: { timeoutMs?: number } = {}): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), options.timeoutMs ?? 15_000);
    timer.unref();
  });
  const flushed = (async () => {
    await awaitAllCallbacks().catch(() => undefined);
    await flushLangSmith();
    return true as const;
  })();
  try {
    return await Promise.race([flushed, timedOut]);
  } finally {
    clearTimeout(timer);
  }
}
