/**
 * Liveness and readiness, for load balancers and orchestrators: `/health` answers while the
 * process runs; `/ready` answers 200 only when Redis (storage and queue) answers and the process
 * can do its job, else 503 with what is wrong. The worker process serves the same report.
 */
import { createServer, type Server } from "node:http";
import { Hono } from "hono";
import type { AppDeps } from "../../deps.js";
import type { RunQueue } from "../../../lib/contracts/execution.js";
import type { WorkerState } from "../../execution/consumers/start.js";

/** What readiness looks at. */
export interface ReadinessParts {
  ping: () => Promise<void>;
  queue: Pick<RunQueue, "depth">;
  workers?: WorkerState;
  draining?: () => boolean;
}

/** The readiness report and whether the process is ready. */
export interface Readiness {
  ready: boolean;
  redis: "ok" | "unavailable";
  queue: { depth: number } | "unavailable";
  workers: { concurrency: number; active: number; consuming: boolean };
  draining: boolean;
}

const CHECK_TIMEOUT_MS = 2_000;

async function within<T>(work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error("timed out")), CHECK_TIMEOUT_MS);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Checks Redis, the queue and the workers. */
export async function checkReadiness(parts: ReadinessParts): Promise<Readiness> {
  const [redis, depth] = await Promise.all([
    within(parts.ping()).then(() => "ok" as const, () => "unavailable" as const),
    within(parts.queue.depth()).then((value) => value, () => undefined),
  ]);
  const workers = parts.workers;
  const draining = parts.draining?.() ?? false;
  const workersOk = !workers || workers.concurrency === 0 || workers.consuming();
  return {
    ready: redis === "ok" && depth !== undefined && workersOk && !draining,
    redis,
    queue: depth === undefined ? "unavailable" : { depth },
    workers: { concurrency: workers?.concurrency ?? 0, active: workers?.active() ?? 0, consuming: workers?.consuming() ?? false },
    draining,
  };
}

/** `/health` and `/ready` of the API process. */
export function healthRoutes(deps: AppDeps): Hono {
  const app = new Hono();
  app.get("/health", (c) => c.json({ ok: true, pid: process.pid, uptime_s: Math.round(process.uptime()) }));
  app.get("/ready", async (c) => {
    const report = await checkReadiness({
      ping: () => deps.storage.ping(),
      queue: deps.queue,
      ...(deps.workers ? { workers: deps.workers } : {}),
      ...(deps.draining ? { draining: deps.draining } : {}),
    });
    return c.json(report, report.ready ? 200 : 503, readinessHeaders(report));
  });
  return app;
}

/** Seconds a client should wait before asking a process that is not ready again. */
const NOT_READY_RETRY_AFTER_SECONDS = 5;

/** The headers of a readiness answer: a 503 says when to ask again. */
export function readinessHeaders(report: Pick<Readiness, "ready">): Record<string, string> {
  return report.ready ? {} : { "Retry-After": String(NOT_READY_RETRY_AFTER_SECONDS) };
}

/** A worker process's `/health` and `/ready` on plain node:http (the worker has no Hono app). */
export async function serveWorkerHealth(port: number, ready: () => Promise<Readiness>, host = "127.0.0.1"): Promise<Server> {
  const server = createServer((request, response) => {
    if (request.url === "/health") return void response.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ ok: true, pid: process.pid }));
    if (request.url !== "/ready") return void response.writeHead(404, { "content-type": "application/json" }).end(JSON.stringify({ error: "not_found", message: "Only /health and /ready are served here." }));
    void ready().then((report) => response.writeHead(report.ready ? 200 : 503, { "content-type": "application/json", ...readinessHeaders(report) }).end(JSON.stringify(report)));
  });
  await new Promise<void>((resolve) => server.listen(port, host, resolve));
  return server;
}
