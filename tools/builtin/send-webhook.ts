/**
 * send_webhook: POSTs a JSON payload to a URL. An external side effect (the guardrail asks a human
 * by default). Each request carries an `Idempotency-Key` derived from thread, checkpoint and tool
 * call, identical when the same step re-runs after a crash, so receivers can drop duplicates.
 * Same address rules as http_fetch; redirects are not followed.
 */
import { z } from "zod";
import { guardedRequest, type NetPolicy } from "../net/net-guard.js";
import { defineTool } from "../types.js";

/** Largest JSON body a webhook call sends (64 KiB, counted in UTF-8 bytes). */
export const MAX_WEBHOOK_PAYLOAD_BYTES = 64 * 1024;

/** The payload as the request body, or why it cannot be sent (too large, not serializable). */
function payloadBody(payload: Record<string, unknown>): { body: string } | { problem: string } {
  let body: string;
  try {
    body = JSON.stringify(payload);
  } catch (error) {
    return { problem: `the payload cannot be sent as JSON (${error instanceof Error ? error.message : String(error)})` };
  }
  const bytes = Buffer.byteLength(body);
  if (bytes > MAX_WEBHOOK_PAYLOAD_BYTES) return { problem: `the payload is ${bytes} bytes as JSON; webhooks carry at most ${MAX_WEBHOOK_PAYLOAD_BYTES} bytes: send a summary or a link instead` };
  return { body };
}

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
      payload: z
        .record(z.string(), z.unknown())
        .superRefine((payload, ctx) => {
          // Checked with the arguments, so an oversized call is refused before anyone is asked to approve it.
          const built = payloadBody(payload);
          if ("problem" in built) ctx.addIssue({ code: "custom", message: built.problem });
        })
        .describe(`the JSON object to send (at most ${MAX_WEBHOOK_PAYLOAD_BYTES / 1024} KiB as JSON)`),
    }),
    timeoutMs: options.timeoutMs ?? 10_000,
    sideEffect: "external_side_effect",
    run: async ({ url, payload }, ctx) => {
      const built = payloadBody(payload);
      if ("problem" in built) throw new Error(built.problem);
      const { body } = built;
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
