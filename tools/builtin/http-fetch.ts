/**
 * http_fetch: GETs a public web page or API and returns its text. Size, time and redirect limits
 * apply; only public addresses are reachable unless allow-listed (see net-guard.ts). HTML is
 * reduced to text in a worker thread (sandbox/html-text.ts), never on the event loop.
 */
import { z } from "zod";
import { guardedRequest, type NetPolicy } from "../net/net-guard.js";
import { htmlToText } from "../sandbox/html-text.js";
import { defineTool } from "../types.js";

/** Settings of http_fetch. */
export interface HttpFetchOptions {
  policy: NetPolicy;
  /** Largest body read, in bytes (default 512 KiB); longer bodies are cut. */
  maxBytes?: number;
  /** Longest text handed to the model (default 12k characters). */
  maxChars?: number;
  timeoutMs?: number;
}

const TEXTUAL = /^(text\/|application\/(json|xml|xhtml\+xml|javascript|ld\+json|rss\+xml|atom\+xml)|[^;]*\+json|[^;]*\+xml)/i;

/** Builds the http_fetch tool. */
export function createHttpFetchTool(options: HttpFetchOptions) {
  const maxBytes = options.maxBytes ?? 512 * 1024;
  const maxChars = options.maxChars ?? 12_000;
  return defineTool({
    name: "http_fetch",
    description:
      "Fetches a public URL with HTTP GET and returns its status, content type and text (HTML reduced to text). Follows up to 5 redirects. Private and local network addresses are refused. Use it to read a page or JSON API found by web_search or given by the user.",
    schema: z.object({ url: z.string().url().describe("absolute http(s) URL") }),
    timeoutMs: options.timeoutMs ?? 15_000,
    sideEffect: "read_only",
    run: async ({ url }, ctx) => {
      const response = await guardedRequest({ url, method: "GET", maxBytes, maxRedirects: 5, signal: ctx.signal, policy: options.policy, headers: { accept: "text/html,application/json,text/plain;q=0.9,*/*;q=0.5" } });
      const contentType = String(response.headers["content-type"] ?? "application/octet-stream");
      let content: string;
      if (!TEXTUAL.test(contentType)) content = `[binary content (${contentType}), ${response.body.length} bytes, not shown]`;
      else {
        const text = response.body.toString("utf8");
        content = /html/i.test(contentType) ? await htmlToText(text, { signal: ctx.signal, owner: ctx.owner }) : text;
      }
      const cut = content.length > maxChars;
      return {
        url: response.url,
        status: response.status,
        contentType,
        truncated: response.truncated || cut,
        content: cut ? `${content.slice(0, maxChars)}\n[cut at ${maxChars} characters]` : content,
      };
    },
  });
}
