/**
 * Completion webhooks through the official SDK, in Redis and embedded mode: a run created with
 * `webhook` POSTs its result there when it ends, with `Idempotency-Key: <run id>` and an HMAC
 * signature (SERVER_WEBHOOK_SECRET); failed attempts are retried with backoff under the same key;
 * loopback addresses not in SERVER_WEBHOOK_ALLOWLIST are refused; a bad URL is a 422. Counted in
 * /metrics. The reference posts webhooks unsigned and unguarded, so this file runs on ours only.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHmac } from "node:crypto";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Client } from "@langchain/langgraph-sdk";
import { waitUntil } from "./support/scale.js";
import { startApiTarget, type ApiTarget } from "./support/oracle.js";

const CONFIG = new URL("./fixtures/parity/langgraph.json", import.meta.url).pathname;
const SECRET = "webhook-test-secret";

interface Delivery {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

for (const mode of ["redis", "embedded"] as const) {
  describe(`completion webhooks (${mode})`, () => {
    let target: ApiTarget;
    let client: Client;
    let receiver: Server;
    let hookUrl: string;
    const deliveries: Delivery[] = [];
    // Per path: how many attempts answer 503 before one is accepted.
    const failFirst = new Map<string, number>();
    const metric = async (outcome: string) => {
      const text = await (await fetch(`${target.url}/metrics`)).text();
      return Number(new RegExp(`switchboard_webhook_deliveries_total\\{outcome="${outcome}"\\} (\\d+)`).exec(text)?.[1] ?? 0);
    };
    const to = (path: string) => deliveries.filter((delivery) => delivery.path === path);

    beforeAll(async () => {
      receiver = createServer((request, response) => {
        let body = "";
        request.on("data", (chunk) => (body += chunk));
        request.on("end", () => {
          const path = request.url ?? "";
          deliveries.push({ path, headers: request.headers, body });
          const failing = failFirst.get(path) ?? 0;
          if (failing > 0) failFirst.set(path, failing - 1);
          response.writeHead(failing > 0 ? 503 : 200).end();
        });
      });
      await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
      hookUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
      target = await startApiTarget(CONFIG, {
        redis: mode === "redis",
        env: { SERVER_WEBHOOK_ALLOWLIST: "127.0.0.1", SERVER_WEBHOOK_SECRET: SECRET, SERVER_WEBHOOK_ATTEMPTS: "3", SERVER_WEBHOOK_RETRY_MS: "20" },
      });
      client = target.client();
    }, 150_000);
    afterAll(async () => {
      await target?.close();
      await new Promise((resolve) => receiver?.close(resolve));
    });

    it("POSTs the run's result when it ends, keyed by run id and signed", async () => {
      const thread = await client.threads.create();
      const run = await client.runs.create(thread.thread_id, "keeper", { input: {}, webhook: `${hookUrl}/done` });
      await waitUntil(() => to("/done").length === 1, "the webhook");
      const [delivery] = to("/done");
      const payload = JSON.parse(delivery!.body) as Record<string, unknown>;
      expect(payload).toMatchObject({ run_id: run.run_id, thread_id: thread.thread_id, status: "success", values: { runs: 1 } });
      expect(typeof payload.run_started_at).toBe("string");
      expect(delivery!.headers["idempotency-key"]).toBe(run.run_id);
      expect(delivery!.headers["x-switchboard-signature"]).toBe(`sha256=${createHmac("sha256", SECRET).update(delivery!.body).digest("hex")}`);
    });

    it("retries a failing receiver with the same idempotency key until it accepts", async () => {
      failFirst.set("/flaky", 2);
      const [retried, delivered] = [await metric("retried"), await metric("delivered")];
      const run = await client.runs.wait(null, "keeper", { input: {}, webhook: `${hookUrl}/flaky` }).then(() => undefined);
      expect(run).toBeUndefined();
      await waitUntil(() => to("/flaky").length === 3, "three attempts");
      expect(new Set(to("/flaky").map((delivery) => delivery.headers["idempotency-key"])).size).toBe(1);
      await waitUntil(async () => (await metric("delivered")) === delivered + 1, "the delivery to be counted");
      expect(await metric("retried")).toBe(retried + 2);
    });

    it("refuses a loopback address that is not allow-listed, and a URL that is not absolute http(s)", async () => {
      const failed = await metric("failed");
      await client.runs.wait(null, "keeper", { input: {}, webhook: `http://[::1]:${new URL(hookUrl).port}/refused` });
      await waitUntil(async () => (await metric("failed")) === failed + 1, "the refusal to be counted");
      expect(to("/refused")).toEqual([]);
      await expect(client.runs.create(null, "keeper", { input: {}, webhook: "/relative/hook" })).rejects.toThrow(/422.*absolute http\(s\) URL/);
    });
  });
}
