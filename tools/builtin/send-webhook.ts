/**
 * send_webhook: POSTs a JSON payload to a URL. An external side effect (the guardrail asks a human
 * by default). Each request carries an `Idempotency-Key` derived from thread, checkpoint and tool
 * call, identical when the same step re-runs after a crash, so receivers can drop duplicates.
 * Same address rules as http_fetch; redirects are not followed.
 */
import { z } from "zod";
import { guardedRequest, type NetPolicy } from "../net/net-guard.js";
import { defineTool } from "../types.js";

/** Settings of send_webhook. */
export interface SendWebhookOptions {
  policy: NetPolicy;
  timeoutMs?: number;
}

/** Builds the send_webhook tool. */
export function createSendWebhookTool(options: SendWebhookOptions) {
  return defineTool({
    name: "send_webhook",
    description:
      "Sends a JSON payload with HTTP POST to a webhook URL (e.g. a chat channel, a ticket system) and returns the HTTP status and the start of the response. This changes something outside: a human may have to approve it. Send each notification once.",
    schema: z.object({
      url: z.string().url().describe("the webhook's absolute http(s) URL"),
      payload: z.record(z.string(), z.unknown()).describe("the JSON object to send"),
    }),
    timeoutMs: options.timeoutMs ?? 10_000,
    sideEffect: "external_side_effect",
    run: async ({ url, payload }, ctx) => {
      const body = JSON.stringify(payload);
      const response = await guardedRequest({
        url,
        method: "POST",
        body,
        maxBytes: 16 * 1024,
        maxRedirects: 0,
        signal: ctx.signal,
        policy: options.policy,
        headers: { "content-type": "application/json", "content-length": String(Buffer.byteLength(body)), "idempotency-key": ctx.idempotencyKey },
      });
      const ok = response.status >= 200 && response.status < 300;
      const reply = response.body.toString("utf8").slice(0, 1_000);
      if (!ok) throw new Error(`the webhook answered HTTP ${response.status}${reply ? `: ${reply}` : ""}`);
      return { delivered: true, status: response.status, idempotencyKey: ctx.idempotencyKey, response: reply };
    },
  });
}
