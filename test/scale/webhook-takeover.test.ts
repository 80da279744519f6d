/**
 * A completion webhook survives the death of the process that ran the run: two server processes
 * on one Redis, the run executes on the first (the second runs no run workers, WORKERS=0); the
 * receiver refuses (503) until that process has been killed with SIGKILL, then accepts. The other
 * process delivers the queued delivery, and the receiver accepts it exactly once per
 * Idempotency-Key.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Client } from "@langchain/langgraph-sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testRedisUrl, uniquePrefix } from "../support/redis.js";
import { startSwitchboard, startedInto, type SwitchboardProcess } from "../support/scale-harness.js";
import { cleanQueuePrefix, eventually } from "../support/scale.js";

const CONFIG = new URL("../fixtures/parity/langgraph.json", import.meta.url).pathname;

describe("a completion webhook survives the death of the process retrying it", () => {
  const prefix = uniquePrefix("webhooks");
  const servers: SwitchboardProcess[] = [];
  let receiver: Server;
  let hookUrl: string;
  let accepting = false;
  const refused = new Map<string, number>();
  const accepted = new Map<string, number>();

  beforeAll(async () => {
    receiver = createServer((request, response) => {
      request.resume();
      request.on("end", () => {
        const key = String(request.headers["idempotency-key"]);
        const tally = accepting ? accepted : refused;
        tally.set(key, (tally.get(key) ?? 0) + 1);
        response.writeHead(accepting ? 200 : 503).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
    hookUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
    // Many quick attempts: the retries span the kill whatever the machine's load.
    const env = { REDIS_URL: testRedisUrl(), REDIS_KEY_PREFIX: prefix, WORKSPACE_DIR: "./workspace/test-webhooks", SERVER_WEBHOOK_ALLOWLIST: "127.0.0.1", SERVER_WEBHOOK_ATTEMPTS: "14", SERVER_WEBHOOK_RETRY_MS: "100" };
    await startedInto(servers, [startSwitchboard("serve", env, ["--config", CONFIG]), startSwitchboard("serve", { ...env, WORKERS: "0" }, ["--config", CONFIG])]);
  }, 200_000);

  afterAll(async () => {
    await Promise.all(servers.map((server) => server.stop("SIGKILL")));
    await new Promise((resolve) => receiver?.close(resolve));
    await cleanQueuePrefix(prefix);
  });

  it("is delivered once by the surviving process after SIGKILL of the one that ran the run", async () => {
    const [runner, survivor] = servers as [SwitchboardProcess, SwitchboardProcess];
    const client = new Client({ apiUrl: survivor.url! });
    const run = await client.runs.create(null, "keeper", { input: {}, webhook: hookUrl });
    await eventually(() => expect(refused.get(run.run_id) ?? 0).toBeGreaterThanOrEqual(1), 60_000, 50);
    await runner.stop("SIGKILL");
    accepting = true;
    await eventually(() => expect(accepted.get(run.run_id) ?? 0).toBeGreaterThanOrEqual(1), 120_000, 100);
    // The survivor counted the delivery: its job is done, so no attempt can follow.
    await eventually(async () => {
      const metrics = await (await fetch(`${survivor.url}/metrics`)).text();
      expect(metrics).toMatch(/switchboard_webhook_deliveries_total\{outcome="delivered"\} 1\b/);
    }, 30_000, 100);
    expect(accepted.get(run.run_id)).toBe(1);
    expect([...accepted.keys()]).toEqual([run.run_id]);
  }, 240_000);
});
