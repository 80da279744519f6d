/**
 * Redis helpers for the memory tests: unique key prefixes, cleanup of a prefix (never FLUSHALL:
 * 6379 is shared), and a throwaway 3-master Redis Cluster on given high ports.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import { connectRedis, isCluster, type RedisConnection } from "../../lib/redis.js";

/** The shared Redis the tests use. */
export const TEST_REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";

/** A key prefix no other test run uses. */
export function uniquePrefix(suite: string): string {
  return `test:${suite}:${randomBytes(5).toString("hex")}:`;
}

/** Every key matching a pattern (SCAN on each master; tests only). */
export async function listKeys(connection: RedisConnection, pattern: string): Promise<string[]> {
  const nodes = isCluster(connection) ? connection.masters.map((master) => connection.nodeClient(master)) : [connection];
  const keys: string[] = [];
  for (const pending of nodes) {
    const node = await pending;
    for await (const batch of node.scanIterator({ MATCH: pattern, COUNT: 500 })) keys.push(...(batch as string[]));
  }
  return keys;
}

/** Deletes every key under a prefix (test cleanup only). */
export async function deletePrefix(connection: RedisConnection, prefix: string): Promise<void> {
  // One DEL per key: keys of different slots cannot share a command on a cluster.
  await Promise.all((await listKeys(connection, `${prefix}*`)).map((key) => connection.del(key)));
}

/** A running throwaway cluster. */
export interface TestCluster {
  /** Seed nodes as `host:port`. */
  nodes: string[];
  /** Stops the servers and removes their files. */
  stop(): Promise<void>;
}

async function waitFor(check: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function cli(port: number, ...args: string[]): string {
  return spawnSync("redis-cli", ["-p", String(port), ...args], { encoding: "utf8" }).stdout ?? "";
}

/** Starts a 3-master cluster (no replicas) on the given ports and waits until it serves. */
export async function startCluster(ports: [number, number, number]): Promise<TestCluster> {
  const dir = mkdtempSync(join(tmpdir(), "sb-memory-cluster-"));
  const servers: ChildProcess[] = ports.map((port) =>
    spawn(
      "redis-server",
      ["--port", String(port), "--bind", "127.0.0.1", "--cluster-enabled", "yes", "--cluster-config-file", join(dir, `nodes-${port}.conf`),
        "--dir", dir, "--save", "", "--appendonly", "no", "--cluster-node-timeout", "2000"],
      { stdio: "ignore" },
    ),
  );
  const stop = async () => {
    for (const server of servers) server.kill("SIGTERM");
    await Promise.all(servers.map((server) => (server.exitCode !== null ? undefined : new Promise((resolve) => server.once("exit", resolve)))));
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    for (const port of ports) await waitFor(() => cli(port, "ping").trim() === "PONG", `redis-server on ${port}`);
    const create = spawnSync("redis-cli", ["--cluster", "create", ...ports.map((port) => `127.0.0.1:${port}`), "--cluster-replicas", "0", "--cluster-yes"], { encoding: "utf8" });
    if (create.status !== 0) throw new Error(`redis-cli --cluster create failed: ${create.stdout}${create.stderr}`);
    for (const port of ports) await waitFor(() => cli(port, "cluster", "info").includes("cluster_state:ok"), `cluster state ok on ${port}`);
  } catch (error) {
    await stop();
    throw error;
  }
  return { nodes: ports.map((port) => `127.0.0.1:${port}`), stop };
}

/** Opens a plain connection for test bookkeeping (cleanup, poking at keys). */
export async function testConnection(target: { url: string } | { clusterNodes: string[] }): Promise<RedisConnection> {
  return connectRedis({ ...target, name: "switchboard-memory-tests" });
}
