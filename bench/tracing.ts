/**
 * `npm run bench:tracing`: what tracing costs a run. The supervisor graph (3 hops, each agent
 * one tool call, instant scripted model, MemorySaver) runs untraced (the baseline) and with
 * tracing: the local recorder into memory, into Redis, and local + LangSmith (a local
 * ingestion endpoint; batches go out in the background, as on the server, and the final flush
 * is timed once). Variants are interleaved in one process and the medians printed as ratios to
 * the baseline, with the trace's size and Redis round trips.
 */
import { HumanMessage } from "@langchain/core/messages";
import { MemorySaver } from "@langchain/langgraph";
import { z } from "zod";
import { getEnv, parseEnv, type Env } from "../lib/env.js";
import { connectRedis } from "../lib/redis.js";
import type { RunTrace, TraceStore } from "../tracing/trace.js";
import { ScriptedChatModel, type ScriptContext, type ScriptedReply } from "../lib/scripted/scripted-chat-model.js";
import { createSpecialist, staticModels, type AnyToolSpec } from "../agents/index.js";
import { createRunTracing, flushTraces, MemoryTraceStore, RedisTraceStore } from "../tracing/index.js";
import { createSupervisorBuilder } from "../graphs/supervisor/graph.js";
import { fork } from "node:child_process";
import { once } from "node:events";
import { deleteByPrefix } from "../test/support/redis.js";

const RUNS = Number(process.argv[2] ?? 40);
const WARMUP = 5;
const HOPS = ["researcher", "analyst", "writer"];

function build() {
  let hop = 0;
  const respond = (context: ScriptContext): ScriptedReply => {
    const names = context.tools.map((tool) => tool.name);
    if (names.includes("route")) {
      const next = HOPS[hop++];
      return { structured: next ? { next, task: `Do the ${next}'s part.`, answer: "" } : { next: "finish", task: "", answer: "Final answer." } };
    }
    const used = context.messages.some((message) => message.getType() === "tool");
    return used ? `Done: ${names[0]} gave its result.` : { toolCalls: [{ name: names[0]!, args: { query: "the goal" } }] };
  };
  const model = new ScriptedChatModel({ respond, modelName: "gpt-4o-mini", recordCalls: false });
  const models = staticModels(model);
  const tool = (name: string): AnyToolSpec => ({ name, description: `The ${name} tool: returns what it finds for a query.`, schema: z.object({ query: z.string() }), timeoutMs: 5_000, sideEffect: "read_only", run: async ({ query }: { query: string }) => `result for ${query}` });
  const subagents = HOPS.map((name) => createSpecialist({ name, description: `${name} work`, prompt: `You are the ${name}.`, tools: [tool(`${name}_tool`)], maxIterations: 4 }, { models }));
  const graph = createSupervisorBuilder({ models, subagents }).compile({ checkpointer: new MemorySaver() });
  return { graph, reset: () => (hop = 0) };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

async function main() {
  const { graph, reset } = build();
  // The ingestion endpoint runs in its own process: its parsing is not tracing's cost.
  const endpoint = fork("bench/langsmith-endpoint.ts", { execArgv: ["--import", "tsx"], stdio: ["ignore", "pipe", "inherit", "ipc"] });
  const lines = (async function* () {
    let buffer = "";
    for await (const chunk of endpoint.stdout!) {
      buffer += chunk;
      let at;
      while ((at = buffer.indexOf("\n")) >= 0) {
        yield buffer.slice(0, at);
        buffer = buffer.slice(at + 1);
      }
    }
  })();
  const langsmith = { url: (await lines.next()).value as string };
  const redis = await connectRedis({ url: getEnv().REDIS_URL ?? "redis://127.0.0.1:6379", name: "bench-tracing" });
  const prefix = `bench:tracing:${crypto.randomUUID().slice(0, 8)}:`;
  const local = parseEnv({});
  const smith = parseEnv({ LANGSMITH_TRACING: "true", LANGSMITH_ENDPOINT: langsmith.url, LANGSMITH_API_KEY: "lsv2_pt_bench" });
  let commandsPerSave = 0;
  // Counts the commands a trace save sends (the shared Redis's own counters include other clients).
  let counting = false;
  const counted = new Proxy(redis, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver);
      if (typeof value !== "function") return value;
      return (...args: unknown[]) => {
        if (counting) commandsPerSave += 1;
        return (value as unknown as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  const variants: { name: string; env?: Env; store?: TraceStore }[] = [
    { name: "untraced (baseline)" },
    { name: "local → memory", env: local, store: new MemoryTraceStore() },
    { name: "local → Redis", env: local, store: new RedisTraceStore(counted, prefix) },
    { name: "local → Redis + LangSmith", env: smith, store: new RedisTraceStore(redis, prefix) },
  ];
  const samples = new Map(variants.map((variant) => [variant.name, [] as number[]]));
  let lastTrace: RunTrace | null = null;
  const runOnce = async (variant: (typeof variants)[number], label: string) => {
    const thread = `${label}-${crypto.randomUUID().slice(0, 8)}`;
    reset();
    const runId = crypto.randomUUID();
    // The save runs in the background callback queue, so count over the whole run (the graph itself uses no Redis).
    counting = variant.name === "local → Redis";
    if (counting) commandsPerSave = 0;
    const started = performance.now();
    const tracing = variant.env && variant.store ? createRunTracing({ env: variant.env, traceStore: variant.store, runId, threadId: thread, graphId: "supervisor" }) : undefined;
    const out = (await graph.invoke({ messages: [new HumanMessage("Compare Paris and Berlin.")] }, { configurable: { thread_id: thread }, ...(tracing?.config ?? {}) })) as { status: string };
    if (out.status !== "completed") throw new Error(`run ended ${out.status}`);
    if (tracing) lastTrace = await tracing.finish();
    counting = false;
    const ms = performance.now() - started;
    return ms;
  };
  for (let i = 0; i < WARMUP; i++) for (const variant of variants) await runOnce(variant, `warm-${i}`);
  for (let i = 0; i < RUNS; i++) {
    const order = i % 2 ? [...variants].reverse() : variants;
    for (const variant of order) samples.get(variant.name)!.push(await runOnce(variant, `run-${i}`));
  }
  const flushStarted = performance.now();
  if (!(await flushTraces({ timeoutMs: 60_000 }))) throw new Error("LangSmith flush timed out");
  const flushMs = performance.now() - flushStarted;
  const baseline = median(samples.get(variants[0]!.name)!);
  const steps = JSON.stringify(lastTrace).match(/"kind":/g)?.length ?? 0;
  console.log(`bench:tracing — ${RUNS} runs per variant, supervisor graph, ${HOPS.length} hops, instant scripted model, interleaved`);
  for (const variant of variants) {
    const ms = median(samples.get(variant.name)!);
    console.log(`  ${variant.name.padEnd(28)} ${ms.toFixed(2)} ms/run   ratio ${(ms / baseline).toFixed(3)}`);
  }
  console.log(`  trace: ${steps} steps, ${(Buffer.byteLength(JSON.stringify(lastTrace)) / 1024).toFixed(1)} KB; Redis commands per trace save: ${commandsPerSave}, issued together (one pipelined round trip)`);
  endpoint.send("count");
  console.log(`  LangSmith: ${(await lines.next()).value} runs received; final flush ${flushMs.toFixed(0)} ms`);
  await deleteByPrefix(redis, prefix);
  await redis.close();
  endpoint.disconnect();
  await once(endpoint, "exit");
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
