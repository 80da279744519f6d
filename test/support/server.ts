/**
 * Starts the Switchboard server in this process on a free port for SDK tests: embedded mode or
 * Redis under a unique key prefix (deleted by `close`), any langgraph.json, optional API keys.
 */
import type { AddressInfo } from "node:net";
import type { ServerType } from "@hono/node-server";
import { Client } from "@langchain/langgraph-sdk";
import type { Hono } from "hono";
import { parseEnv } from "../../lib/env.js";
import { silentLogger } from "../../lib/logger.js";
import { connectRedis } from "../../lib/redis.js";
import type { GraphDeps } from "../../graphs/index.js";
import { createApp } from "../../server/app.js";
import { serveApp } from "../../server/http/listen.js";
import { queuePrefixesFor } from "../../server/execution/queue/index.js";
import { buildServerRuntime, type ServerRuntime } from "../../server/runtime.js";
import { deleteByPrefix, testRedisUrl, uniquePrefix } from "./redis.js";

/** A running test server. */
export interface TestServer {
  url: string;
  runtime: ServerRuntime;
  /** An SDK client (with an API key when given). */
  client(apiKey?: string): Client;
  close(): Promise<void>;
}

/** The fixture langgraph.json with graphs Switchboard does not ship. */
export const FIXTURE_CONFIG = new URL("../fixtures/server/langgraph.json", import.meta.url).pathname;

/** Starts a server; `redis: true` = on the shared Redis under a fresh prefix. */
export async function startTestServer(options: { redis?: boolean; configPath?: string; graphDeps?: GraphDeps; apiKeys?: string; env?: Record<string, string> } = {}): Promise<TestServer> {
  const prefix = uniquePrefix("server");
  const env = parseEnv({
    ...(options.redis ? { REDIS_URL: testRedisUrl(), REDIS_KEY_PREFIX: prefix } : {}),
    ...(options.apiKeys ? { SERVER_API_KEYS: options.apiKeys } : {}),
    WORKSPACE_DIR: "./workspace/test-server",
    // A developer's ./mcp.json must not hand the graphs under test extra tools.
    SWITCHBOARD_MCP_CONFIG: "off",
    ...options.env,
  });
  const runtime = await buildServerRuntime(env, silentLogger(), { ...(options.configPath ? { configPath: options.configPath } : {}), ...(options.graphDeps ? { graphDeps: options.graphDeps } : {}) });
  await runtime.deps.queue.startWorker(runtime.handler, { concurrency: 8 });
  const app = createApp(runtime.deps);
  const server: ServerType = await new Promise((resolve) => {
    const started = serveApp(app, { port: 0, hostname: "127.0.0.1" }, () => resolve(started));
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    runtime,
    client: (apiKey?: string) => new Client({ apiUrl: url, ...(apiKey ? { apiKey } : {}), defaultHeaders: {} }),
    async close() {
      await new Promise((resolve) => server.close(resolve));
      await runtime.deps.queue.close({ drain: false });
      await runtime.close();
      if (options.redis) {
        const redis = await connectRedis({ url: testRedisUrl() });
        await deleteByPrefix(redis, prefix);
        for (const queuePrefix of queuePrefixesFor(prefix)) await deleteByPrefix(redis, queuePrefix);
        await redis.close();
      }
    },
  };
}

/** A runtime with two run workers and its app, for `app.request()` tests on the fixture graphs. */
export interface AppRuntime {
  runtime: ServerRuntime;
  app: Hono;
  /** Stops the workers and closes the runtime (the caller cleans its own keys). */
  close(): Promise<void>;
}

/** Opens an {@link AppRuntime}; `prepare` may wrap the runtime's parts before the app is built. */
export async function openAppRuntime(env: Record<string, string>, prepare?: (runtime: ServerRuntime) => void): Promise<AppRuntime> {
  const runtime = await buildServerRuntime(parseEnv(env), silentLogger(), { configPath: FIXTURE_CONFIG });
  await runtime.deps.queue.startWorker(runtime.handler, { concurrency: 2 });
  prepare?.(runtime);
  const close = async () => {
    await runtime.deps.queue.close();
    await runtime.close();
  };
  return { runtime, app: createApp(runtime.deps), close };
}
