/** Starting, stopping and measuring `npm run serve` from a bench (bench:server, bench:soak). */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/** The node flags of `npm run serve` (package.json), so a bench measures what users run. */
export const SERVE_NODE_FLAGS = ["--import", "tsx", "--max-semi-space-size=16", "--max-old-space-size=384"];

const root = new URL("..", import.meta.url).pathname;

/** A langgraph.json that serves the benchmark graph, and how to delete its directory. */
export interface BenchConfig {
  config: string;
  remove(): void;
}

/**
 * Writes a langgraph.json serving the trivial benchmark graph into `<checkout>/.bench-results/<name>/`
 * (inside the project, so servers resolve its packages); call again before each start, as
 * `langgraph dev` may tidy its directory on exit.
 */
export function trivialBenchConfig(name: string, checkout = root): BenchConfig {
  const dir = join(checkout, ".bench-results", name);
  mkdirSync(dir, { recursive: true });
  const config = join(dir, "langgraph.json");
  writeFileSync(config, JSON.stringify({ node_version: "20", graphs: { trivial: "../../test/fixtures/server/graphs.ts:trivial" } }));
  return { config, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * Starts our server on port 0 for `config` with `env` added (REDIS_URL, REDIS_KEY_PREFIX,
 * SERVER_PROCESSES, …); resolves once it prints its listening line. `checkout` serves another
 * copy of the project (bench:server-cpu compares two).
 */
export async function startServer(config: string, env: Record<string, string>, nodeFlags = SERVE_NODE_FLAGS, checkout = root): Promise<{ url: string; child: ChildProcess }> {
  const base = checkout.endsWith("/") ? checkout : `${checkout}/`;
  const child = spawn(process.execPath, [...nodeFlags, `${base}server/main.ts`, "--config", config, "--port", "0"], {
    cwd: base,
    env: { ...process.env, LOG_LEVEL: "warn", LANGSMITH_TRACING: "false", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const url = await waitForUrl(child, (output) => /"listening":"(http:[^"]+)"/.exec(output)?.[1], "our server");
  return { url, child };
}

/** SIGTERM (the process group with `group`), SIGKILL after 5 s. */
export function stop(child: ChildProcess, group = false): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || !child.pid) return resolve();
    const timer = setTimeout(() => (group ? process.kill(-child.pid!, "SIGKILL") : child.kill("SIGKILL")), 5_000);
    child.once("exit", () => (clearTimeout(timer), resolve()));
    if (group) process.kill(-child.pid, "SIGTERM");
    else child.kill("SIGTERM");
  });
}

/** Resolves with what `find` extracts from the child's output, or rejects when it exits first. */
export async function waitForUrl(child: ChildProcess, find: (output: string) => string | undefined, what: string): Promise<string> {
  let output = "";
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${what} did not start within 180 s:\n${output.slice(-2000)}`)), 180_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const url = find(output);
      if (url) {
        clearTimeout(timer);
        resolve(url);
      }
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", onData);
    child.once("exit", (code) => reject(new Error(`${what} exited with ${code}:\n${output.slice(-2000)}`)));
  });
}

/** The server's pid and those of its server processes (SERVER_PROCESSES > 1 forks them). */
export function serverPids(pid: number): number[] {
  let children: number[] = [];
  try {
    children = readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8").trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    // no children list on this kernel: the primary alone
  }
  return [pid, ...children.filter((child) => /server\/main\.ts/.test(readFileSync(`/proc/${child}/cmdline`, "utf8")))];
}

/** VmRSS of a process in KB (0 once it is gone). */
export function rssKb(pid: number): number {
  try {
    return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? 0);
  } catch {
    return 0;
  }
}


/** Every descendant of `pid` (children, grandchildren, …), from /proc. */
export function descendantPids(pid: number): number[] {
  let children: number[] = [];
  try {
    for (const task of readdirSync(`/proc/${pid}/task`)) {
      children.push(...readFileSync(`/proc/${pid}/task/${task}/children`, "utf8").trim().split(/\s+/).filter(Boolean).map(Number));
    }
  } catch {
    // gone, or no children list on this kernel
  }
  children = [...new Set(children)];
  return children.flatMap((child) => [child, ...descendantPids(child)]);
}

/** VmRSS (MB) of a process and all its descendants: what a process group keeps resident. */
export function treeRssMb(pid: number): number {
  return [pid, ...descendantPids(pid)].reduce((sum, each) => sum + rssKb(each), 0) / 1024;
}

/** The value after `--name` on the command line, if given (bench options). */
export function argValue(name: string): string | undefined {
  const index = process.argv.indexOf(name);
  return index >= 0 ? process.argv[index + 1] : undefined;
}

/** V8 heap used and total (MB) from the server's Prometheus metrics (the process that answered). */
export async function serverHeapMb(url: string): Promise<{ used: number; total: number }> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const value = (name: string) => Number(new RegExp(`^switchboard_nodejs_${name} (\\S+)$`, "m").exec(text)?.[1] ?? Number.NaN) / 1e6;
  return { used: value("heap_size_used_bytes"), total: value("heap_size_total_bytes") };
}
