/**
 * The embedded-mode RunEventLog: each run's events in memory, kept for a while after the run
 * so late joiners and reconnecting clients still get them.
 */
import { EventBuffer } from "./event-buffer.js";
import type { RunEventLog } from "../../lib/contracts/execution.js";
import { serializeForApi } from "../api/runs/serialize.js";

/** In-memory event log; `retainMs` after finish the run's events are dropped. */
export class InMemoryRunEventLog implements RunEventLog {
  private readonly buffers = new Map<string, EventBuffer>();

  constructor(private readonly retainMs = 10 * 60_000) {}

  private buffer(runId: string): EventBuffer {
    let buffer = this.buffers.get(runId);
    if (!buffer) this.buffers.set(runId, (buffer = new EventBuffer()));
    return buffer;
  }

  async append(runId: string, event: string, data: unknown): Promise<string> {
    return this.buffer(runId).push(event, data, serializeForApi(data)).id;
  }

  async finish(runId: string): Promise<void> {
    const buffer = this.buffer(runId);
    buffer.finish();
    setTimeout(() => this.buffers.get(runId) === buffer && this.buffers.delete(runId), this.retainMs).unref();
  }

  async *read(runId: string, options: { after?: string; signal?: AbortSignal; isLive?: () => Promise<boolean> }) {
    const existing = this.buffers.get(runId);
    if (!existing && options.isLive && !(await options.isLive())) return;
    yield* this.buffer(runId).follow(options.after, options.signal);
  }
}
