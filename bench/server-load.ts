/** Load generators for bench:server: sequential latency and concurrent throughput of runs/wait. */
import { Agent, request as httpRequest } from "node:http";

/** One run: resolves when the output arrived. */
export type RunOnce = (client: number) => Promise<void>;

/** The median of a list of numbers. */
export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

/** `count` runs one after another; per-run milliseconds. */
export async function sequential(run: RunOnce, count: number, onProgress?: (done: number) => void): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < count; i++) {
    const started = performance.now();
    await run(0);
    times.push(performance.now() - started);
    if (onProgress && (i + 1) % 50 === 0) onProgress(i + 1);
  }
  return times;
}

/** `clients` loops issuing runs back to back for `seconds`; runs per second. */
export async function concurrent(run: RunOnce, clients: number, seconds: number): Promise<{ runsPerSecond: number; runs: number; errors: number }> {
  const deadline = performance.now() + seconds * 1000;
  let runs = 0;
  let errors = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: clients }, async (_, client) => {
      while (performance.now() < deadline) {
        try {
          await run(client);
          runs++;
        } catch {
          errors++;
        }
      }
    }),
  );
  return { runsPerSecond: runs / ((performance.now() - started) / 1000), runs, errors };
}

const agent = new Agent({ keepAlive: true, maxSockets: 64 });

/** POST with node:http on keep-alive sockets (lighter than fetch, so the client steals less CPU from the server). */
function post(url: string, body: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(url, { method: "POST", agent, headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body) } }, (response) => {
      const chunks: Buffer[] = [];
      response.on("data", (chunk: Buffer) => chunks.push(chunk));
      response.on("end", () => resolve({ status: response.statusCode ?? 0, text: Buffer.concat(chunks).toString() }));
      response.on("error", reject);
    });
    request.on("error", reject);
    request.end(body);
  });
}

/** A runs/wait client against a LangGraph API server: one thread per client, created up front. */
export async function apiRunner(url: string, clients: number, graph: string): Promise<RunOnce> {
  const threads: string[] = [];
  for (let i = 0; i < clients; i++) {
    const response = await fetch(`${url}/threads`, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
    threads.push(((await response.json()) as { thread_id: string }).thread_id);
  }
  const body = JSON.stringify({ assistant_id: graph, input: { n: 1 } });
  return async (client) => {
    const { status, text } = await post(`${url}/threads/${threads[client]}/runs/wait`, body);
    if (status !== 200 || !text.includes('"n"')) throw new Error(`runs/wait answered ${status}: ${text.slice(0, 200)}`);
  };
}
