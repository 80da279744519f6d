/**
 * Batched event writes of the runs executing in this process. A run's events appended within a
 * short window (`windowMs`, 20 ms by default; 0 = the end of the event-loop turn) go to Redis as one
 * script call, and a run has at most one batch in flight: events appended meanwhile wait for it and
 * go together as the next one. So a short run costs one command for all its events (they go with
 * the end marker), a long one at most one per window however fast it streams tokens, and stream
 * ids still grow in order. Readers in this process read the run's memory buffer, not these
 * writes; only readers in other processes see events up to a window later.
 *
 * Outages (issue 18): a batch Redis does not take goes to the EventBacklog, event by event, in
 * order; while a run has a backlog its new events queue behind it there. An event Redis refuses
 * because the stream moved past its id (another process numbered on) is reported as missed, so
 * the caller appends a `gap` event instead of leaving readers unaware.
 */
import type { RedisConnection } from "../../lib/redis.js";
import { RedisScript, runScript } from "../../lib/redis-scripts.js";
import type { EventBacklog } from "./event-backlog.js";

/**
 * Adds events with their explicit ids, then sets the stream's expiry. KEYS: events. ARGV:
 * PEXPIRE ms ('' = none), (id, name, JSON)*. Returns the ids Redis refused (the stream is past them).
 */
const APPEND_EVENTS = new RedisScript("appendRunEvents", `
local refused = {}
for i = 2, #ARGV, 3 do
  local reply = redis.pcall('XADD', KEYS[1], ARGV[i], 'e', ARGV[i + 1], 'd', ARGV[i + 2])
  if type(reply) == 'table' and reply.err then refused[#refused + 1] = ARGV[i] end
end
if ARGV[1] ~= '' then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return refused
`);

interface Unsent {
  id: string;
  fields: { e: string; d: string };
}

interface RunBatches {
  key: string;
  unsent: Unsent[];
  scheduled: boolean;
  /** The batch in flight (never rejects). */
  sending: Promise<unknown> | undefined;
}

/** The end of a run's stream: its last event and the stream's expiry, sent with the last batch. */
export interface StreamEnd {
  id: string;
  fields: { e: string; d: string };
  expireMs: number;
}

/** Per-run batching of event writes; see the module comment. */
export class EventBatches {
  private readonly runs = new Map<string, RunBatches>();

  constructor(
    private readonly redis: RedisConnection,
    private readonly backlog: EventBacklog,
    /** Told the event numbers Redis refused (the stream moved past them); appends the gap event. */
    private readonly onMissed: (runId: string, missed: string[]) => Promise<unknown>,
    private readonly windowMs = 20,
  ) {}

  /** Queues an event (stream id `id`) of a run executing here; it goes to Redis at the end of this turn. */
  add(runId: string, key: string, id: string, fields: { e: string; d: string }): void {
    if (this.backlog.has(runId)) return this.backlog.add(runId, key, id, fields);
    let run = this.runs.get(runId);
    if (!run) {
      run = { key, unsent: [], scheduled: false, sending: undefined };
      this.runs.set(runId, run);
    }
    run.unsent.push({ id, fields });
    this.schedule(runId, run);
  }

  /**
   * Sends what the run has not sent yet, with `end` when given, after the batch in flight; resolves
   * once Redis answered. True when everything, `end` included, was written; false when events went
   * to the backlog instead (`end` is then not written: the caller retries it after the backlog).
   */
  async settle(runId: string, key: string, end?: StreamEnd): Promise<boolean> {
    let run = this.runs.get(runId);
    while (run?.sending) await run.sending;
    run ??= { key, unsent: [], scheduled: false, sending: undefined };
    const taken = await this.send(runId, run, end);
    this.runs.delete(runId);
    return taken && !this.backlog.has(runId);
  }

  private schedule(runId: string, run: RunBatches): void {
    if (run.scheduled || run.sending) return;
    run.scheduled = true;
    const send = () => {
      run.scheduled = false;
      if (!run.sending && this.runs.get(runId) === run) void this.send(runId, run);
    };
    if (this.windowMs > 0) setTimeout(send, this.windowMs);
    else setImmediate(send);
  }

  /** Sends the run's unsent events (and `end`) as one script call; a batch Redis did not take goes to the backlog. */
  private send(runId: string, run: RunBatches, end?: StreamEnd): Promise<boolean> {
    const batch = run.unsent.splice(0);
    if (this.backlog.has(runId)) {
      for (const event of batch) this.backlog.add(runId, run.key, event.id, event.fields);
      return Promise.resolve(false);
    }
    if (batch.length === 0 && !end) return Promise.resolve(true);
    const args = [end ? String(end.expireMs) : ""];
    for (const event of end ? [...batch, end] : batch) args.push(event.id, event.fields.e, event.fields.d);
    // Always the script, even for one event: it reports the ids Redis refused instead of failing
    // the whole batch, and one batch in flight per run keeps a NOSCRIPT retry from being overtaken.
    const sending = runScript(this.redis, APPEND_EVENTS, [run.key], args).then(
      async (refused) => {
        // A refused end marker is no event a reader missed: the process that numbered on ends the stream.
        const missed = (refused as string[]).filter((id) => id !== end?.id).map((id) => String(Number(id.split("-")[1]) - 1));
        if (missed.length > 0) await this.onMissed(runId, missed).catch(() => undefined);
        return true;
      },
      () => {
        for (const event of batch) this.backlog.add(runId, run.key, event.id, event.fields);
        return false;
      },
    );
    run.sending = sending.finally(() => {
      run.sending = undefined;
      if (run.unsent.length > 0 && this.runs.get(runId) === run) this.schedule(runId, run);
    });
    return sending;
  }
}
