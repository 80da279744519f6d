import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import type { Server } from "node:http";
import { checkReadiness, serveWorkerHealth } from "./health.js";

describe("a worker's /ready", () => {
  let server: Server | undefined;
  afterEach(() => void server?.close());

  it("answers 503 with Retry-After while Redis does not answer, 200 without it once it does", async () => {
    let redisUp = false;
    const queue = { depth: async () => (redisUp ? 0 : Promise.reject(new Error("Connection is closed."))) };
    const workers = { concurrency: 2, consuming: () => true, active: () => 0, close: async () => undefined };
    server = await serveWorkerHealth(0, () => checkReadiness({ ping: async () => (redisUp ? undefined : Promise.reject(new Error("The client is closed"))), queue, workers }));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

    const down = await fetch(`${url}/ready`);
    expect(down.status).toBe(503);
    expect(Number(down.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(await down.json()).toMatchObject({ ready: false, redis: "unavailable", queue: "unavailable" });

    redisUp = true;
    const up = await fetch(`${url}/ready`);
    expect(up.status).toBe(200);
    expect(up.headers.get("retry-after")).toBeNull();
    expect((await fetch(`${url}/health`)).status).toBe(200);
  });
});
