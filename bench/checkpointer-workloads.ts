/**
 * The checkpointer benchmark's workloads, run identically against every saver: a counter
 * graph looping N super-steps, and a chat graph appending a 1 KiB message per step.
 */
import { randomBytes } from "node:crypto";
import { AIMessage } from "@langchain/core/messages";
import { Annotation, END, MemorySaver, MessagesAnnotation, START, StateGraph, type BaseCheckpointSaver } from "@langchain/langgraph";

const Counter = Annotation.Root({ count: Annotation<number>({ reducer: (_, next) => next, default: () => 0 }) });

/** One node looping `steps` super-steps on one thread. */
export function counterGraph(saver: BaseCheckpointSaver, steps: number) {
  return new StateGraph(Counter)
    .addNode("step", (state) => ({ count: state.count + 1 }))
    .addEdge(START, "step")
    .addConditionalEdges("step", (state) => (state.count < steps ? "step" : END))
    .compile({ checkpointer: saver });
}

/** 1 KiB of incompressible text, fresh per message, so no backend wins by compressing repeats. */
const kib = () => randomBytes(768).toString("base64");

/** One node appending a 1 KiB message to a normal `messages` channel each super-step. */
export function chatGraph(saver: BaseCheckpointSaver, steps: number) {
  return new StateGraph(MessagesAnnotation)
    .addNode("speak", (state) => ({ messages: [new AIMessage({ content: `${state.messages.length}:${kib()}` })] }))
    .addEdge(START, "speak")
    .addConditionalEdges("speak", (state) => (state.messages.length < steps ? "speak" : END))
    .compile({ checkpointer: saver });
}

/**
 * The floor a Redis saver can reach: MemorySaver whose put also awaits one PING, i.e. the one
 * round trip a sync super-step cannot avoid, with no serialization and no script.
 */
export class RoundTripFloorSaver extends MemorySaver {
  /** `ping` is one awaited round trip on the same Redis the saver under test uses. */
  constructor(private readonly ping: () => Promise<unknown>) {
    super();
  }

  override async put(...args: Parameters<MemorySaver["put"]>): ReturnType<MemorySaver["put"]> {
    const stored = await super.put(...args);
    await this.ping();
    return stored;
  }
}

/** Wall and CPU (user + system) ms per super-step of one counter run. */
export async function counterCost(saver: BaseCheckpointSaver, threadId: string, steps: number, durability: "sync" | "async" = "sync"): Promise<{ ms: number; cpuMs: number }> {
  const cpu = process.cpuUsage();
  const ms = await runCounter(saver, threadId, steps, durability);
  const used = process.cpuUsage(cpu);
  return { ms: ms / steps, cpuMs: (used.user + used.system) / 1000 / steps };
}

/** Runs the counter graph for `steps` super-steps on a thread; returns elapsed ms. */
export async function runCounter(saver: BaseCheckpointSaver, threadId: string, steps: number, durability: "sync" | "async" = "sync"): Promise<number> {
  const graph = counterGraph(saver, steps);
  const started = performance.now();
  await graph.invoke({ count: 0 }, { configurable: { thread_id: threadId }, recursionLimit: steps + 10, durability });
  return performance.now() - started;
}

/** Runs the chat graph until the thread holds `steps` messages. */
export async function runChat(saver: BaseCheckpointSaver, threadId: string, steps: number): Promise<void> {
  const graph = chatGraph(saver, steps);
  await graph.invoke({ messages: [] }, { configurable: { thread_id: threadId }, recursionLimit: steps + 10, durability: "sync" });
}

/**
 * Median ms of 200 awaited PINGs, each after a pause like a super-step's work, so Redis and the
 * socket are as awake as between checkpoint writes: the one round trip a sync step cannot avoid.
 */
export async function redisRoundTrip(ping: () => Promise<unknown>, samples = 200): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < samples; i += 1) {
    await new Promise((resolve) => setImmediate(resolve));
    const started = performance.now();
    await ping();
    times.push(performance.now() - started);
  }
  return median(times);
}

/** Median of numbers. */
export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/**
 * Median getTuple latency (ms) of the latest checkpoint of each thread, sampled round-robin
 * across the threads so load drifting over the measurement hits every size alike.
 */
export async function getTupleLatencies(saver: BaseCheckpointSaver, threadIds: string[], samples = 300): Promise<number[]> {
  const configs = threadIds.map((threadId) => ({ configurable: { thread_id: threadId } }));
  for (let i = 0; i < 20; i += 1) for (const config of configs) await saver.getTuple(config);
  const times = configs.map((): number[] => []);
  for (let i = 0; i < samples; i += 1) {
    for (const [index, config] of configs.entries()) {
      const started = performance.now();
      await saver.getTuple(config);
      times[index]!.push(performance.now() - started);
    }
  }
  return times.map(median);
}

/** Steps per second with `threads` threads of `steps` super-steps running concurrently. */
export async function concurrentThroughput(saver: BaseCheckpointSaver, tag: string, threads: number, steps: number): Promise<number> {
  const started = performance.now();
  await Promise.all(Array.from({ length: threads }, (_, i) => runCounter(saver, `${tag}-conc-${i}`, steps)));
  return (threads * steps) / ((performance.now() - started) / 1000);
}
