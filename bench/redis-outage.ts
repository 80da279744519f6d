/**
 * `npm run chaos:redis [-- seconds clients]`: Redis going away under load (issue 18). One server
 * (in this process, on a free port) on a private redis-server with the append-only file; `clients`
 * loops each create a thread and stream a run of the `slow` fixture graph (runs/stream, SSE) while
 * Redis is first killed (SIGKILL, restarted 3 s later) and then paused (SIGSTOP, SIGCONT 5 s
 * later). Afterwards it prints runs accepted and succeeded, answers by status (bar: no 500), the
 * longest request wait against SERVER_REDIS_DEADLINE_MS (for requests that got no 200), orphaned
 * runs (pending or running once everything settled; bar 0) and streams with a gap in their event
 * ids and no `gap` event (bar 0).
 */
import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import { parseEnv } from "../lib/env.js";
import { createLogger } from "../lib/logger.js";
import { createApp } from "../server/app.js";
import { buildServerRuntime } from "../server/runtime.js";
import { startPrivateRedis, startRedisServer } from "../test/support/redis.js";
import { FIXTURE_CONFIG } from "../test/support/server.js";

const [seconds = 30, clients = 8] = process.argv.slice(2).map(Number);
const DEADLINE_MS = 2_000;
const PERSISTENT = ["--appendonly", "yes", "--appendfsync", "always"];
const started = Date.now();
const log = (line: string) => console.log(`${((Date.now() - started) / 1000).toFixed(1).padStart(6)} s  ${line}`);
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let redis = await startPrivateRedis(PERSISTENT);
const env = parseEnv({ REDIS_URL: redis.url, REDIS_KEY_PREFIX: "chaos:", SERVER_REDIS_DEADLINE_MS: String(DEADLINE_MS), RUN_LEASE_MS: "3000", LOG_LEVEL: "error" });
const runtime = await buildServerRuntime(env, createLogger({ name: "chaos-redis", level: "error" }), { configPath: FIXTURE_CONFIG });
await runtime.deps.queue.startWorker(runtime.handler, { concurrency: 8 });
const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
  const listening = serve({ fetch: createApp(runtime.deps).fetch, port: 0, hostname: "127.0.0.1" }, () => resolve(listening));
});
const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

const statuses = new Map<number, number>();
let longestRefusedMs = 0;
let longestOkHeadersMs = 0;
const accepted: { thread: string; run: string }[] = [];
let gapsWithoutNotice = 0;
let gapEvents = 0;
let stopping = false;

async function timed(path: string, body: unknown): Promise<Response | undefined> {
  const begin = performance.now();
  try {
    const response = await fetch(`${url}${path}`, { method: "POST", body: JSON.stringify(body), headers: { "content-type": "application/json" } });
    const waited = performance.now() - begin;
    statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
    if (response.status === 200) longestOkHeadersMs = Math.max(longestOkHeadersMs, waited);
    else longestRefusedMs = Math.max(longestRefusedMs, waited);
    return response;
  } catch {
    statuses.set(0, (statuses.get(0) ?? 0) + 1);
    return undefined;
  }
}

/** Reads an SSE body; returns the event ids and names. */
async function readStream(response: Response): Promise<{ ids: number[]; events: string[]; runId?: string }> {
  const text = await response.text();
  const ids: number[] = [];
  const events: string[] = [];
  let runId: string | undefined;
  for (const block of text.split("\n\n")) {
    const id = /^id: (\d+)$/m.exec(block)?.[1];
    const event = /^event: (.+)$/m.exec(block)?.[1];
    if (id !== undefined) ids.push(Number(id));
    if (event) events.push(event);
    if (event === "metadata") runId = /"run_id":"([^"]+)"/.exec(block)?.[1];
  }
  return { ids, events, ...(runId ? { runId } : {}) };
}

async function client(): Promise<void> {
  while (!stopping) {
    const thread = await timed("/threads", {});
    if (!thread || thread.status !== 200) {
      await thread?.text().catch(() => undefined);
      await pause(200);
      continue;
    }
    const { thread_id } = (await thread.json()) as { thread_id: string };
    const stream = await timed(`/threads/${thread_id}/runs/stream`, { assistant_id: "slow", input: {}, stream_mode: ["values", "custom"], config: { configurable: { steps: 6, delayMs: 150 } } });
    if (!stream || stream.status !== 200) {
      await stream?.text().catch(() => undefined);
      await pause(200);
      continue;
    }
    const read = await readStream(stream).catch(() => ({ ids: [] as number[], events: [] as string[], runId: undefined }));
    if (read.runId) accepted.push({ thread: thread_id, run: read.runId });
    if (read.events.includes("gap")) gapEvents += 1;
    else if (read.ids.some((id, index) => id !== index)) gapsWithoutNotice += 1;
  }
}

const loops = Array.from({ length: clients }, () => client());
const third = Math.max(5, Math.floor(seconds / 3)) * 1000;
await pause(third);
log("SIGKILL redis");
await redis.kill();
await pause(3_000);
redis = await startRedisServer(redis.port, PERSISTENT, redis.dir);
log("redis restarted");
await pause(third);
log("SIGSTOP redis");
redis.pause();
await pause(5_000);
redis.resume();
log("SIGCONT redis");
await pause(third);
stopping = true;
await Promise.all(loops);
log("load stopped; letting in-flight runs settle");

// Settle: runs handed back during the outages finish; then count what is still not ended.
let orphans: string[] = [];
let succeeded = 0;
for (let attempt = 0; attempt < 60; attempt++) {
  orphans = [];
  succeeded = 0;
  for (const { thread, run } of accepted) {
    const record = await runtime.deps.storage.runs.get(thread, run).catch(() => undefined);
    if (!record || record.status === "pending" || record.status === "running") orphans.push(run);
    else if (record.status === "success") succeeded += 1;
  }
  if (orphans.length === 0) break;
  await pause(1_000);
}

// What a reader in another process would get: each run's stream as stored in Redis.
let remoteGapEvents = 0;
let remoteGapsWithoutNotice = 0;
for (const { run } of accepted) {
  const ids: number[] = [];
  let sawGap = false;
  for await (const event of runtime.deps.events.read(run, { isLive: async () => false })) {
    if (event.event === "gap") sawGap = true;
    else ids.push(Number(event.id));
  }
  if (sawGap) remoteGapEvents += 1;
  else if (ids.some((id, index) => id !== index)) remoteGapsWithoutNotice += 1;
}

await new Promise((resolve) => server.close(resolve));
await runtime.deps.queue.close();
await runtime.close();
await redis.stop();

console.log("");
console.log(`runs accepted (stream opened)       ${accepted.length}`);
console.log(`runs succeeded                      ${succeeded}`);
console.log(`answers by status                   ${[...statuses].sort(([a], [b]) => a - b).map(([status, count]) => `${status === 0 ? "no answer" : status}: ${count}`).join(", ")}`);
console.log(`500s                                ${statuses.get(500) ?? 0}`);
console.log(`longest wait for a non-200 answer   ${Math.round(longestRefusedMs)} ms (deadline ${DEADLINE_MS} ms)`);
console.log(`longest wait for 200 headers        ${Math.round(longestOkHeadersMs)} ms`);
console.log(`orphaned runs (not ended)           ${orphans.length}`);
console.log(`streams with a gap event            ${gapEvents}`);
console.log(`stream gaps without notice          ${gapsWithoutNotice}`);
console.log(`stored streams (remote readers): with a gap event ${remoteGapEvents}, gaps without notice ${remoteGapsWithoutNotice}`);
const pass = (statuses.get(500) ?? 0) === 0 && orphans.length === 0 && gapsWithoutNotice === 0 && remoteGapsWithoutNotice === 0 && longestRefusedMs <= DEADLINE_MS;
console.log(`bar (no 500, no orphan, no silent gap, refusals within the deadline): ${pass ? "PASS" : "FAIL"}`);
process.exit(pass ? 0 : 1);
