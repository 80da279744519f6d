/**
 * LangSmith for Switchboard runs: one client per endpoint for the process (so every trace
 * can be flushed before exit), with the secret anonymizer, and a tracer that labels each run
 * with its agent, tags rail trips on the step that reported them, and puts the terminal
 * state, tokens and cost on the root run.
 */
import { LangChainTracer, type LangChainTracerFields } from "@langchain/core/tracers/tracer_langchain";
import { Client } from "langsmith";
import type { RunTree } from "langsmith/run_trees";
import type { Env } from "../lib/env.js";
import { createTraceAnonymizer, type TraceAnonymizer } from "./anonymizer.js";
import { railEventsOf } from "./steps.js";

const clients = new Map<string, Client>();
const secretFields = new Set<string>();
let anonymizer: TraceAnonymizer | undefined;

/** The secrets of the configuration itself, removed wherever they appear. */
function configuredSecrets(env: Env): string[] {
  const redisPassword = env.REDIS_URL ? /\/\/[^:@/]*:([^@/]+)@/.exec(env.REDIS_URL)?.[1] : undefined;
  return [env.OPENAI_API_KEY, env.TAVILY_API_KEY, env.LANGSMITH_API_KEY, redisPassword].filter((value): value is string => !!value);
}

/** The process's anonymizer, knowing every secret field registered so far (shared by LangSmith and local traces). */
export function traceAnonymizer(env: Env, fields: Iterable<string> = []): TraceAnonymizer {
  const before = secretFields.size;
  for (const field of fields) secretFields.add(field);
  if (!anonymizer || secretFields.size !== before) anonymizer = createTraceAnonymizer({ secretFields, secretValues: configuredSecrets(env) });
  const current = anonymizer;
  return (data) => current(data);
}

/** The LangSmith client for the configured endpoint (one per process). */
export function langsmithClient(env: Env): Client {
  const key = `${env.LANGSMITH_ENDPOINT ?? ""}\u0000${env.LANGSMITH_API_KEY ?? ""}`;
  let client = clients.get(key);
  if (!client) {
    client = new Client({
      ...(env.LANGSMITH_ENDPOINT ? { apiUrl: env.LANGSMITH_ENDPOINT } : {}),
      ...(env.LANGSMITH_API_KEY ? { apiKey: env.LANGSMITH_API_KEY } : {}),
      // Resolved per call, so fields registered after the client was made are redacted too.
      anonymizer: (values) => traceAnonymizer(env)(values),
    });
    clients.set(key, client);
  }
  return client;
}

/** Waits until every LangSmith client of the process has sent what it queued. */
export async function flushLangSmith(): Promise<void> {
  await Promise.allSettled([...clients.values()].map((client) => client.awaitPendingTraceBatches()));
}

/** What the tracer asks of the run it traces. */
export interface TracerHooks {
  graphId: string;
  /** Metadata for the root run when it ends (terminal state, tokens, cost). */
  rootMetadata(outputs: Record<string, unknown> | undefined, error: string | undefined): Record<string, unknown>;
  /** Agent of each run id, shared by the tracer and its copies. */
  agents: Map<string, string>;
}

/** A LangChainTracer that labels runs with Switchboard's metadata (see the module comment). */
export class SwitchboardTracer extends LangChainTracer {
  constructor(
    fields: LangChainTracerFields,
    private readonly hooks: TracerHooks,
  ) {
    super(fields);
  }

  // LangGraph copies tracers for each graph invocation; the copy must stay a SwitchboardTracer.
  override copyWithTracingConfig(config: { metadata?: Record<string, unknown>; tags?: string[] }): LangChainTracer {
    const base = super.copyWithTracingConfig(config);
    const copy = new SwitchboardTracer({ ...this.fields, metadata: base.tracingMetadata, tags: base.tracingTags }, this.hooks);
    copy.runMap = this.runMap;
    copy.runTreeMap = this.runTreeMap;
    return copy;
  }

  override getRunTreeWithTracingConfig(id: string): RunTree | undefined {
    const tree = super.getRunTreeWithTracingConfig(id);
    if (tree) this.label(tree);
    return tree;
  }

  /** The agent a run belongs to: the nearest enclosing subgraph (a specialist or team), else the graph. */
  private agentOf(run: { id: string; name: string; parent_run_id?: string; serialized?: unknown }): string {
    const { agents, graphId } = this.hooks;
    let agent = agents.get(run.id);
    if (agent !== undefined) return agent;
    const isGraph = JSON.stringify((run.serialized as { id?: unknown } | undefined)?.id ?? "").includes("pregel");
    // Runs whose inputs arrive late are labelled at their end, after their children: walk up the open runs.
    const parent = run.parent_run_id ? this.runTreeMap.get(run.parent_run_id) : undefined;
    agent = !run.parent_run_id ? graphId : isGraph ? run.name : parent ? this.agentOf(parent) : graphId;
    agents.set(run.id, agent);
    return agent;
  }

  private label(tree: RunTree): void {
    const agent = this.agentOf(tree);
    const metadata: Record<string, unknown> = { ...(tree.extra?.metadata ?? {}), agent };
    // Streamed tokens are not kept: the response is in the outputs, and tokens would bypass the anonymizer.
    if (tree.events) tree.events = tree.events.filter((event) => event.name !== "new_token");
    if (tree.end_time !== undefined) {
      const rails = railEventsOf(tree.outputs);
      if (rails.length > 0) {
        metadata.rail_events = rails;
        tree.tags = [...new Set([...(tree.tags ?? []), ...rails.map((event) => `rail:${event.kind}`)])];
      }
      if (!tree.parent_run_id) Object.assign(metadata, this.hooks.rootMetadata(tree.outputs, tree.error));
    }
    tree.extra = { ...tree.extra, metadata };
  }
}
