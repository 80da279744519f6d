/**
 * Maps LangGraph stream chunks to the SSE events of the LangGraph API: `values`, `updates`,
 * `custom`, `debug`, `tasks`, `checkpoints`, `messages` (the SDK's messages-tuple),
 * `messages/metadata|partial|complete` (legacy messages mode), `events`; `<event>|<ns>` for
 * subgraph chunks. It also keeps what the handler needs after the run: the last values and the
 * last root checkpoint (next nodes, interrupts).
 */
import { isBaseMessage, type BaseMessageChunk } from "@langchain/core/messages";

/** Stream modes a client may ask for. */
export const STREAM_MODES = ["values", "updates", "messages", "messages-tuple", "debug", "custom", "events", "tasks", "checkpoints"] as const;

/**
 * The stream mode an SSE event comes from (`values|ns` → values, `messages/partial` → messages,
 * `messages` → messages-tuple), or undefined for the events every reader gets (`metadata`,
 * `error`, `feedback`, `end`).
 */
export function streamModeOf(event: string): string | undefined {
  const base = event.split("|")[0]!;
  if (base.startsWith("messages/")) return "messages";
  if (base === "messages") return "messages-tuple";
  return (STREAM_MODES as readonly string[]).includes(base) ? base : undefined;
}

/** One SSE event. */
export interface MappedEvent {
  event: string;
  data: unknown;
}

type Config = { configurable?: Record<string, unknown> } | undefined;

/** The API's checkpoint reference from a RunnableConfig. */
export function checkpointOf(config: Config): { thread_id: string; checkpoint_ns: string; checkpoint_id: string; checkpoint_map: unknown } | null {
  const configurable = config?.configurable;
  if (!configurable?.thread_id || !configurable.checkpoint_id) return null;
  return {
    thread_id: String(configurable.thread_id),
    checkpoint_ns: String(configurable.checkpoint_ns ?? ""),
    checkpoint_id: String(configurable.checkpoint_id),
    checkpoint_map: configurable.checkpoint_map ?? null,
  };
}

interface CheckpointChunk {
  config?: Config;
  parentConfig?: Config;
  values: unknown;
  metadata: unknown;
  next: string[];
  tasks: { id: string; name: string; interrupts?: unknown[] }[];
}

/** Translates one run's chunks; create one per run. */
export class RunStreamMapper {
  /** Modes to ask LangGraph for. */
  readonly libModes: string[];
  /** Whether the run needs `streamEvents` (the `events` mode). */
  readonly needsEvents: boolean;
  lastValues: unknown = undefined;
  lastCheckpoint: CheckpointChunk | undefined;
  /** The thread head before the run's first checkpoint ('' = none), once known. */
  preCheckpoint: string | undefined;
  private readonly user: Set<string>;
  private readonly partial = new Map<string, BaseMessageChunk>();
  private readonly completed = new Set<string>();

  /** The run's first root values (its input state), for usage accounting. */
  firstValues: unknown = undefined;
  /** Interrupts the run ended with (the `__interrupt__` of its last values chunk). */
  lastInterrupts: unknown[] | undefined;

  /** `trackCheckpoints`: also follow checkpoints (needed to see static breakpoints). */
  constructor(
    userModes: readonly string[],
    private readonly subgraphs: boolean,
    trackCheckpoints = false,
  ) {
    this.user = new Set(userModes);
    const lib = new Set<string>(trackCheckpoints ? ["values", "checkpoints"] : ["values"]);
    for (const mode of userModes) {
      if (mode === "messages-tuple" || mode === "messages") lib.add("messages");
      else if (mode !== "events") lib.add(mode);
    }
    this.libModes = [...lib];
    this.needsEvents = this.user.has("events");
  }

  private name(mode: string, ns: string[] | undefined): string {
    return this.subgraphs && ns && ns.length > 0 ? `${mode}|${ns.join("|")}` : mode;
  }

  /** Events for one `graph.stream` chunk: `[mode, payload]` or, with subgraphs, `[ns, mode, payload]`. */
  map(chunk: unknown[]): MappedEvent[] {
    const [ns, mode, payload] = (chunk.length === 3 ? chunk : [[], ...chunk]) as [string[], string, unknown];
    const root = ns.length === 0;
    const out: MappedEvent[] = [];
    switch (mode) {
      case "values":
        if (root) this.trackValues(payload);
        if (this.user.has("values")) out.push({ event: this.name("values", ns), data: payload });
        if (root && this.user.has("messages")) this.completeMessages(payload, out);
        break;
      case "checkpoints": {
        const checkpoint = payload as CheckpointChunk;
        if (root) {
          this.lastCheckpoint = checkpoint;
          this.preCheckpoint ??= checkpointOf(checkpoint.parentConfig)?.checkpoint_id ?? "";
        }
        if (this.user.has("checkpoints")) out.push({ event: this.name("checkpoints", ns), data: describeCheckpoint(checkpoint) });
        break;
      }
      case "messages": {
        const [message, metadata] = payload as [BaseMessageChunk, Record<string, unknown>];
        if (this.user.has("messages-tuple")) out.push({ event: this.name("messages", ns), data: [message, metadata] });
        if (this.user.has("messages") && message?.id) {
          const previous = this.partial.get(message.id);
          if (!previous) out.push({ event: "messages/metadata", data: { [message.id]: { metadata } } });
          const merged = previous ? previous.concat(message) : message;
          this.partial.set(message.id, merged);
          out.push({ event: "messages/partial", data: [merged] });
        }
        break;
      }
      case "debug": {
        const debug = payload as { type: string; payload: CheckpointChunk };
        const data = debug.type === "checkpoint" ? { ...debug, payload: describeCheckpoint(debug.payload) } : debug;
        if (this.user.has("debug")) out.push({ event: this.name("debug", ns), data });
        break;
      }
      default:
        if (this.user.has(mode)) out.push({ event: this.name(mode, ns), data: payload });
    }
    return out;
  }

  /** Events for one `streamEvents` v2 event (the `events` mode); chunks of the run itself go through `map`. */
  mapStreamEvent(event: { event: string; run_id: string; data: { chunk?: unknown }; tags?: string[] }, runId: string): MappedEvent[] {
    if (event.tags?.includes("langsmith:hidden")) return [];
    if (event.event === "on_chain_stream" && event.run_id === runId) return this.map(event.data.chunk as unknown[]);
    return [{ event: "events", data: event }];
  }

  private trackValues(payload: unknown): void {
    const interrupts = (payload as { __interrupt__?: unknown[] } | null)?.__interrupt__;
    if (Array.isArray(interrupts)) {
      this.lastInterrupts = interrupts;
      return;
    }
    this.lastInterrupts = undefined;
    if (this.firstValues === undefined) this.firstValues = payload;
    this.lastValues = payload;
  }

  private completeMessages(values: unknown, out: MappedEvent[]): void {
    const messages = (values as { messages?: unknown } | null)?.messages;
    if (!Array.isArray(messages)) return;
    const fresh = messages.filter((message) => isBaseMessage(message) && message.id && !this.completed.has(message.id));
    for (const message of fresh) this.completed.add(message.id!);
    if (fresh.length > 0) out.push({ event: "messages/complete", data: fresh });
  }

  /** Interrupts by task id, from the last root checkpoint. */
  interrupts(): Record<string, unknown[]> {
    const result: Record<string, unknown[]> = {};
    for (const task of this.lastCheckpoint?.tasks ?? []) if (task.interrupts && task.interrupts.length > 0) result[task.id] = task.interrupts;
    return result;
  }
}

function describeCheckpoint(chunk: CheckpointChunk): Record<string, unknown> {
  const { config, parentConfig, ...rest } = chunk;
  return { ...rest, checkpoint: checkpointOf(config), parent_checkpoint: checkpointOf(parentConfig) };
}
