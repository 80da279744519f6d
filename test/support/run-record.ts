/** A pending run record as the server stores it, for tests that put runs in storage themselves. */
import type { RunRecord } from "../../server/records/types.js";

/** What a test says about its run; everything else takes the defaults of a plain `/runs` create. */
export interface TestRunOptions {
  runId?: string;
  assistantId?: string;
  graphId?: string;
  owner?: string;
  /** ISO time the run was created (and last updated). */
  createdAt?: string;
  input?: unknown;
  configurable?: Record<string, unknown>;
}

/** A `pending` run on `threadId` with the kwargs a default `POST /threads/:id/runs` stores. */
export function pendingRunRecord(threadId: string, options: TestRunOptions = {}): RunRecord {
  const createdAt = options.createdAt ?? new Date().toISOString();
  return {
    run_id: options.runId ?? crypto.randomUUID(),
    thread_id: threadId,
    assistant_id: options.assistantId ?? "a",
    created_at: createdAt,
    updated_at: createdAt,
    status: "pending",
    metadata: {},
    multitask_strategy: "reject",
    owner: options.owner ?? "default",
    kwargs: {
      input: options.input ?? null,
      command: null,
      config: options.configurable ? { configurable: options.configurable } : {},
      context: null,
      stream_mode: ["values"],
      interrupt_before: null,
      interrupt_after: null,
      subgraphs: false,
      temporary: false,
      graph_id: options.graphId ?? "g",
    },
  };
}
