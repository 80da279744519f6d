/**
 * Completion webhooks: when a run that was created with `webhook` ends, its result is POSTed
 * there (the run, its status, start and end times and final values, like the reference's
 * payload). Each delivery carries `Idempotency-Key: <run id>` (the same on every retry and after a
 * takeover, so receivers can drop repeats), and `X-Switchboard-Signature: sha256=<hex HMAC of the
 * body>` when SERVER_WEBHOOK_SECRET is set. Addresses go through the tools' network guard:
 * private and loopback ones are refused unless in SERVER_WEBHOOK_ALLOWLIST. Failed attempts
 * (network errors, 429, 5xx) are retried with exponential backoff and jitter; a refusal or another
 * 4xx is not. Deliveries run in the background: a run's end never waits for its receiver.
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

/** Delivers one webhook with retries; never throws (the outcome is counted and logged). */
export async function deliverWebhook(url: string, runId: string, payload: Record<string, unknown>, options: WebhookOptions): Promise<"delivered" | "failed"> {
  // Loaded on the first delivery: a server of another project's graphs loads no tools module at start.
  const { DestinationRefusedError, guardedRequest, parseAllowlist } = await import("../../tools/index.js");
  const policy = { allowlist: parseAllowlist(options.allowlist) };
  const body = JSON.stringify(payload);
  const headers: Record<string, string> = { "content-type": "application/json", "content-length": String(Buffer.byteLength(body)), "idempotency-key": runId };
  if (options.secret) headers["x-switchboard-signature"] = webhookSignature(options.secret, body);
  for (let attempt = 1; ; attempt++) {
    let problem: string;
    try {
      const response = await guardedRequest({ url, method: "POST", body, headers, maxBytes: 4096, maxRedirects: 0, policy, signal: AbortSignal.timeout(10_000) });
      if (response.status >= 200 && response.status < 300) {
        options.deliveries.inc({ outcome: "delivered" });
        return "delivered";
      }
      problem = `HTTP ${response.status}`;
      if (!retryable(response.status)) attempt = options.attempts;
    } catch (error) {
      problem = error instanceof Error ? error.message : String(error);
      if (error instanceof DestinationRefusedError) attempt = options.attempts;
    }
    if (attempt >= options.attempts) {
      options.deliveries.inc({ outcome: "failed" });
      options.logger.warn({ runId, url, attempt, problem }, "a run's completion webhook was not delivered");
      return "failed";
    }
    options.deliveries.inc({ outcome: "retried" });
    const backoff = options.baseDelayMs * 2 ** (attempt - 1);
    await sleep(backoff / 2 + Math.random() * backoff);
  }
}
