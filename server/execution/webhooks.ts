/**
 * Completion webhooks: when a run that was created with `webhook` ends, its result is POSTed
 * there (the run, its status, start and end times and final values, like the reference's
 * payload). Each delivery carries `Idempotency-Key: <run id>` (the same on every retry and after a
 * takeover, so receivers can drop repeats), and `X-Switchboard-Signature: sha256=<hex HMAC of the
 * body>` when SERVER_WEBHOOK_SECRET is set. Addresses go through the tools' network guard:
 * private and loopback ones are refused unless in SERVER_WEBHOOK_ALLOWLIST. Failed attempts
 * (network errors, 429, 5xx) are retried with exponential backoff and jitter; a refusal or another
 * 4xx is not. Deliveries run in the background: a run's end never waits for its receiver. With Redis, a delivery
 * is a BullMQ job (queue/webhook-queue.ts) that any process retries, so it survives the death of the
 * process that queued it; the embedded mode retries in process.
 */
import { createHmac } from "node:crypto";
import type { Counter } from "prom-client";
import type { Logger } from "../../lib/logger.js";
import type { RunRecord } from "../records/types.js";

/** How deliveries are made. */
export interface WebhookOptions {
  /** SERVER_WEBHOOK_ALLOWLIST: hosts, IPs and CIDR ranges reachable although private or loopback. */
  allowlist: string | undefined;
  /** HMAC-SHA256 key for the signature header; none = unsigned. */
  secret?: string;
  /** Attempts per delivery, the first included. */
  attempts: number;
  /** Wait before the first retry; doubles each time. */
  baseDelayMs: number;
  deliveries: Counter<"outcome">;
  logger: Logger;
}

/** What a run's end says. */
export interface RunEnd {
  run: RunRecord;
  status: string;
  startedAt: string;
  values: unknown;
  error?: string;
}

/** The request body of a run's webhook. */
export function webhookPayload(end: RunEnd, publicRun: (run: RunRecord) => Record<string, unknown>): Record<string, unknown> {
  return {
    ...publicRun(end.run),
    status: end.status,
    run_started_at: end.startedAt,
    run_ended_at: new Date().toISOString(),
    webhook_sent_at: new Date().toISOString(),
    values: end.values ?? null,
    ...(end.error ? { error: end.error } : {}),
  };
}

/** The signature header value of `body` under `secret`. */
export function webhookSignature(secret: string, body: string): string {
  return `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`;
}

const retryable = (status: number) => status === 429 || status >= 500;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms).unref());

/** What one attempt came to: delivered, worth another try, or never to be retried (refused, another 4xx). */
export type WebhookAttempt = { outcome: "delivered" } | { outcome: "retry" | "give_up"; problem: string };

/** Makes one delivery attempt of `body` (the JSON payload); never throws. */
export async function attemptWebhook(url: string, runId: string, body: string, options: Pick<WebhookOptions, "allowlist" | "secret">): Promise<WebhookAttempt> {
  // Loaded on the first delivery: a server of another project's graphs loads no tools module at start.
  const { DestinationRefusedError, guardedRequest, parseAllowlist } = await import("../../tools/index.js");
  const policy = { allowlist: parseAllowlist(options.allowlist) };
  const headers: Record<string, string> = { "content-type": "application/json", "content-length": String(Buffer.byteLength(body)), "idempotency-key": runId };
  if (options.secret) headers["x-switchboard-signature"] = webhookSignature(options.secret, body);
  try {
    const response = await guardedRequest({ url, method: "POST", body, headers, maxBytes: 4096, maxRedirects: 0, policy, signal: AbortSignal.timeout(10_000) });
    if (response.status >= 200 && response.status < 300) return { outcome: "delivered" };
    return { outcome: retryable(response.status) ? "retry" : "give_up", problem: `HTTP ${response.status}` };
  } catch (error) {
    const problem = error instanceof Error ? error.message : String(error);
    return { outcome: error instanceof DestinationRefusedError ? "give_up" : "retry", problem };
  }
}

/** Counts one attempt's outcome (`last`: no attempt follows a failure); the one place the metric is written. */
export function countWebhookAttempt(result: WebhookAttempt, last: boolean, runId: string, url: string, attempt: number, options: Pick<WebhookOptions, "deliveries" | "logger">): "delivered" | "retry" | "failed" {
  if (result.outcome === "delivered") {
    options.deliveries.inc({ outcome: "delivered" });
    return "delivered";
  }
  if (result.outcome === "give_up" || last) {
    options.deliveries.inc({ outcome: "failed" });
    options.logger.warn({ runId, url, attempt, problem: result.problem }, "a run's completion webhook was not delivered");
    return "failed";
  }
  options.deliveries.inc({ outcome: "retried" });
  return "retry";
}

/** Delivers one webhook with in-process retries (the embedded mode); never throws (the outcome is counted and logged). */
export async function deliverWebhook(url: string, runId: string, payload: Record<string, unknown>, options: WebhookOptions): Promise<"delivered" | "failed"> {
  const body = JSON.stringify(payload);
  for (let attempt = 1; ; attempt++) {
    const counted = countWebhookAttempt(await attemptWebhook(url, runId, body, options), attempt >= options.attempts, runId, url, attempt, options);
    if (counted !== "retry") return counted;
    const backoff = options.baseDelayMs * 2 ** (attempt - 1);
    await sleep(backoff / 2 + Math.random() * backoff);
  }
}
