/**
 * The page fetcher of `npm run ingest`: the same network guard as the http_fetch tool, so a URL
 * resolving to a private or local address is refused unless TOOL_NET_ALLOWLIST names it.
 */
import type { WebPage } from "../memory/index.js";

/** Largest page or document read (bytes): PDFs are bigger than pages. */
const MAX_BYTES = 20 * 1024 * 1024;
const TIMEOUT_MS = 30_000;

/** A fetcher for ingest under the operator's allow-list. */
export function guardedPageFetcher(allowlistText: string | undefined): (url: string) => Promise<WebPage> {
  return async (url) => {
    // Loaded on the first URL: the tools' door brings the whole catalog, which a folder ingest never needs.
    const { guardedRequest, parseAllowlist } = await import("../tools/index.js");
    const policy = { allowlist: parseAllowlist(allowlistText) };
    const response = await guardedRequest({ url, method: "GET", maxBytes: MAX_BYTES, maxRedirects: 5, policy, signal: AbortSignal.timeout(TIMEOUT_MS), headers: { accept: "text/html,application/xhtml+xml,application/xml,application/pdf,text/*;q=0.9,*/*;q=0.5" } });
    if (response.status < 200 || response.status >= 300) throw new Error(`${url} answered HTTP ${response.status}`);
    if (response.truncated) throw new Error(`${url} is larger than ${MAX_BYTES / 1024 / 1024} MiB`);
    return { url: response.url, contentType: String(response.headers["content-type"] ?? "application/octet-stream"), body: new Uint8Array(response.body) };
  };
}
