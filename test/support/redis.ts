/**
 * Redis helpers for tests: the shared Redis URL, unique key prefixes, clean-up by prefix,
 * and private redis-server processes (single or a 3-master cluster) on given ports.
 * Everything a helper starts, it stops.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createServer as createNetServer } from "node:net";
import { randomUUID } from "node:crypto";
import { createClient, type RedisClientType } from "redis";
import { getEnv } from "../../lib/env.js";
import { isCluster, type RedisConnection } from "../../lib/redis.js";

/** The Redis tests share: REDIS_URL, or the local default. */
export function testRedisUrl(): string {
  return getEnv().REDIS_URL ?? "redis://127.0.0.1:6379";
}

/** A key prefix no other test uses, e.g. `test:saver:1f3a…:`. */
export function uniquePrefix(suite: string): string {
  return `test:${suite}:${randomUUID().slice(0, 8)}:`;
}

async function nodesOf(connection: RedisConnection): Promise<RedisClientType[]> {
  return isCluster(connection)
    ? ((await Promise.all(connection.masters.map((master) => connection.nodeClient(master)))) as unknown as RedisClientType[])
    : [connection as unknown as RedisClientType];
}

/** The keys under a prefix on every node (tests only: uses SCAN). */
export async function keysUnder(connection: RedisConnection, prefix: string): Promise<string[]> {
  const keys: string[] = [];
  for (const node of await nodesOf(connection)) {
    for await (const batch of node.scanIterator({ MATCH: `${prefix}*`, COUNT: 1000 })) keys.push(...batch.map(String));
  }
  return keys;
}

/** Deletes every key under a prefix on every node (tests only: uses SCAN). */
export async function deleteByPrefix(connection: RedisConnection, prefix: string): Promise<void> {
  for (const node of await nodesOf(connection)) {
    const keys: string[] = [];
    for await (const batch of node.scanIterator({ MATCH: `${prefix}*`, COUNT: 1000 })) keys.push(...batch.map(String));
    for (const key of keys) await node.unlink(key);
  }
}

/** A private redis-server process. */
export interface RedisProcess {
  port: number;
  url: string;
  dir: string;
  /** Stops the server (SIGTERM), waiting for it to exit; its directory stays for a restart. */
  stop(): Promise<void>;
  /** Stops the server and deletes its directory (a server nobody will restart). */
  dispose(): Promise<void>;
  /** Kills the server without letting it save (SIGKILL). */
  kill(): Promise<void>;
  /** Freezes the server (SIGSTOP): connections stay open, nothing answers. */
  pause(): void;
  /** Thaws a paused server (SIGCONT). */
  resume(): void;
}

/**
 * A temporary directory for a private server, under the test run's root when there is one
 * (test/support/temp-root.ts deletes it at the end: a restart test stops a server and starts it
 * again on the same directory, so `stop()` cannot delete it).
 */
function serverTempDir(prefix: string): string {
  return mkdtempSync(join(process.env.SWITCHBOARD_TEST_TMP ?? tmpdir(), prefix));
}

/**
 * Starts redis-server on a port; extra args are passed through (e.g. `--appendonly yes`). Tests
 * use ports below 32768: above, Linux hands ports out to outgoing connections (ephemeral range
 * 32768-60999), and a listener there fails at start whenever one is taken.
 */
export async function startRedisServer(port: number, args: string[] = [], dir?: string): Promise<RedisProcess> {
  const workDir = dir ?? serverTempDir(`sb-redis-${port}-`);
  const child = spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--dir", workDir, ...args], {
    stdio: "ignore",
  });
  await waitForPing(port, child);
  // A paused server handles SIGTERM only once thawed.
  const stopWith = (signal: NodeJS.Signals) => () => (child.kill("SIGCONT"), stopChild(child, signal));
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    dir: workDir,
    stop: stopWith("SIGTERM"),
    dispose: async () => {
      await stopWith("SIGTERM")();
      rmSync(workDir, { recursive: true, force: true });
    },
    kill: stopWith("SIGKILL"),
    pause: () => void child.kill("SIGSTOP"),
    resume: () => void child.kill("SIGCONT"),
  };
}

/** Starts redis-server on a random free port below 32768 (see startRedisServer), trying a few. */
export async function startPrivateRedis(args: string[] = []): Promise<RedisProcess> {
  let lastError: unknown;
  for (let attempt = 0; attempt < 5; attempt++) {
    const port = 20_000 + Math.floor(Math.random() * 12_000);
    // A port another test's Redis holds would answer our PING: take only a port nobody listens on.
    if (!(await portIsFree(port))) continue;
    try {
      return await startRedisServer(port, args);
    } catch (error) {
      lastError = error;
    }
  }
  throw lastError;
}

/** A private 3-master Redis Cluster. */
export interface RedisClusterProcess {
  nodes: string[];
  rootNodes: { url: string }[];
  stop(): Promise<void>;
}

/** Starts a 3-master cluster (no replicas) on the given ports and waits until it serves. */
export async function startRedisCluster(ports: [number, number, number]): Promise<RedisClusterProcess> {
  const dir = serverTempDir("sb-cluster-");
  const started = await Promise.allSettled(
    ports.map((port) =>
      // The bus port defaults to port + 10000, inside Linux's ephemeral range (32768-60999), where
      // any test's outgoing connection may hold it for a moment and redis-server exits at start.
      startRedisServer(port, ["--cluster-enabled", "yes", "--cluster-port", String(port - 10_000), "--cluster-config-file", join(dir, `nodes-${port}.conf`), "--appendonly", "no"], dir),
    ),
  );
  const servers = started.flatMap((result) => (result.status === "fulfilled" ? [result.value] : []));
  const failed = started.find((result): result is PromiseRejectedResult => result.status === "rejected");
  if (failed) {
    // Stop the nodes that did start, or they outlive the test holding their ports.
    await Promise.all(servers.map((server) => server.kill()));
    rmSync(dir, { recursive: true, force: true });
    throw failed.reason;
  }
  const nodes = ports.map((port) => `127.0.0.1:${port}`);
  const created = spawnSync("redis-cli", ["--cluster", "create", ...nodes, "--cluster-replicas", "0", "--cluster-yes"], { encoding: "utf8" });
  if (created.status !== 0) {
    await Promise.all(servers.map((server) => server.kill()));
    throw new Error(`redis-cli --cluster create failed: ${created.stdout}${created.stderr}`);
  }
  for (const port of ports) await waitFor(async () => (await clusterState(port)) === "ok", `cluster on ${port}`);
  return {
    nodes,
    rootNodes: nodes.map((node) => ({ url: `redis://${node}` })),
    stop: async () => {
      await Promise.all(servers.map((server) => server.kill()));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function clusterState(port: number): Promise<string | undefined> {
  const client = createClient({ url: `redis://127.0.0.1:${port}` });
  client.on("error", () => {});
  try {
    await client.connect();
    const info = await client.clusterInfo();
    return /cluster_state:(\w+)/.exec(String(info))?.[1];
  } catch {
    return undefined;
  } finally {
    if (client.isOpen) await client.close();
  }
}

async function waitForPing(port: number, child: ChildProcess): Promise<void> {
  let exited = false;
  child.once("exit", () => (exited = true));
  await waitFor(async () => {
    if (exited) throw new Error(`redis-server on port ${port} exited at start (port in use?)`);
    return spawnSync("redis-cli", ["-p", String(port), "ping"], { encoding: "utf8" }).stdout.trim() === "PONG";
  }, `redis-server on ${port}`);
}

async function waitFor(check: () => Promise<boolean>, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

function stopChild(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once("exit", () => resolve());
    child.kill(signal);
  });
}

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createNetServer();
    server.once("error", () => resolve(false));
    server.listen(port, "127.0.0.1", () => server.close(() => resolve(true)));
  });
}
