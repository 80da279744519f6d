/**
 * Outbound HTTP for tools, guarded against server-side request forgery: only addresses inside an
 * allow-list of public ranges are reachable unless the operator allow-lists a host, IP or CIDR range. The check runs
 * after DNS resolution and on every redirect hop, and the connection goes to the very address
 * that was checked (a pinned `lookup`), so DNS rebinding cannot slip in between check and connect.
 */
import { lookup as dnsLookup } from "node:dns/promises";
import http from "node:http";
import https from "node:https";
import ipaddr from "ipaddr.js";

/** Resolves a host name to its addresses (injectable for tests). */
export type Resolver = (host: string) => Promise<{ address: string; family: number }[]>;

/** Who may be reached. */
export interface NetPolicy {
  /** Host names (`api.example`, `*.corp.example`), IPs or CIDR ranges reachable although not public. */
  allowlist: readonly string[];
  resolve?: Resolver;
}

/** A refused destination; the message says why and how to allow it. */
export class DestinationRefusedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** Splits `TOOL_NET_ALLOWLIST` into entries. */
export function parseAllowlist(text: string | undefined): string[] {
  return (text ?? "").split(",").map((entry) => entry.trim().toLowerCase()).filter(Boolean);
}

const defaultResolver: Resolver = (host) => dnsLookup(host, { all: true, verbatim: true });

function allowListed(host: string, address: ipaddr.IPv4 | ipaddr.IPv6, allowlist: readonly string[]): boolean {
  const name = host.toLowerCase();
  return allowlist.some((entry) => {
    if (entry.startsWith("*.")) return name.endsWith(entry.slice(1));
    if (entry.includes("/")) {
      try {
        const [range, bits] = ipaddr.parseCIDR(entry);
        return range.kind() === address.kind() && address.match([range, bits] as [typeof address, number]);
      } catch {
        return false;
      }
    }
    if (ipaddr.isValid(entry)) return ipaddr.process(entry).toString() === address.toString();
    return entry === name;
  });
}

/** The special-purpose range of an address (`unicast` = no special purpose), IPv4-mapped IPv6 unwrapped. */
export function addressRange(address: string): string {
  return ipaddr.process(address).range();
}

/**
 * The ranges that are public, as an allow-list: an address is reachable only if it lies inside
 * one of them and ipaddr.js names no special purpose for it. IPv6 is public only inside
 * 2000::/3 (global unicast), so anything IANA has not handed out for the public internet
 * (`::/96` IPv4-compatible addresses such as `::7f00:1`, `64:ff9b::/96` NAT64, ...) is refused
 * even where ipaddr.js calls it plain `unicast`.
 */
const PUBLIC_RANGES: Record<"ipv4" | "ipv6", [ipaddr.IPv4 | ipaddr.IPv6, number][]> = {
  ipv4: [ipaddr.parseCIDR("0.0.0.0/0")],
  ipv6: [ipaddr.parseCIDR("2000::/3")],
};

/** Whether an address (IPv4-mapped IPv6 unwrapped) is publicly routable; else the name of its range. */
export function publicAddress(address: ipaddr.IPv4 | ipaddr.IPv6): { public: true } | { public: false; range: string } {
  const range = address.range();
  const inside = PUBLIC_RANGES[address.kind()].some(([network, bits]) => address.kind() === network.kind() && address.match(network as never, bits));
  if (range === "unicast" && inside) return { public: true };
  return { public: false, range: range === "unicast" ? "not a public range" : range };
}

/** Resolves `url`'s host and returns the address to connect to, or throws DestinationRefusedError. */
export async function checkDestination(url: URL, policy: NetPolicy): Promise<{ address: string; family: 4 | 6 }> {
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new DestinationRefusedError(`Only http and https URLs can be fetched, not ${url.protocol}`);
  }
  if (url.username || url.password) throw new DestinationRefusedError("URLs with credentials (user:password@) are not allowed.");
  const host = url.hostname.replace(/^\[|\]$/g, "");
  const addresses = ipaddr.isValid(host) ? [{ address: host, family: host.includes(":") ? 6 : 4 }] : await (policy.resolve ?? defaultResolver)(host);
  if (addresses.length === 0) throw new DestinationRefusedError(`${host} does not resolve to any address.`);
  // Every address must pass: a name resolving to one public and one private address is refused.
  for (const { address } of addresses) {
    const parsed = ipaddr.process(address);
    const verdict = publicAddress(parsed);
    if (!verdict.public && !allowListed(host, parsed, policy.allowlist)) {
      throw new DestinationRefusedError(
        `Refusing ${url.host}: it resolves to ${parsed.toString()} (${verdict.range}), which is not a public address. If this destination is intended, the operator can add it to TOOL_NET_ALLOWLIST.`,
      );
    }
  }
  const chosen = ipaddr.process(addresses[0]!.address);
  return { address: chosen.toString(), family: chosen.kind() === "ipv6" ? 6 : 4 };
}

/** A response read under the size limit. */
export interface GuardedResponse {
  url: string;
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
  /** The body was longer than the limit and was cut. */
  truncated: boolean;
}

/** One guarded request. */
export interface GuardedRequestOptions {
  url: string;
  method: "GET" | "HEAD" | "POST" | "PUT" | "PATCH" | "DELETE";
  headers?: Record<string, string>;
  body?: string;
  maxBytes: number;
  /** Redirects followed (GET only); each hop is checked again. */
  maxRedirects: number;
  signal?: AbortSignal;
  policy: NetPolicy;
}

function requestOnce(url: URL, pinned: { address: string; family: 4 | 6 }, options: GuardedRequestOptions): Promise<GuardedResponse> {
  return new Promise((resolve, reject) => {
    const client = url.protocol === "https:" ? https : http;
    const request = client.request(
      url,
      {
        method: options.method,
        headers: { "accept-encoding": "identity", "user-agent": "Switchboard-tools/0.1", ...options.headers },
        signal: options.signal,
        // No pooled sockets: every request connects to the address checked for it, and nothing lingers.
        agent: false,
        // Connect to the address that passed the check, whatever DNS says now; TLS still verifies the host name.
        lookup: (_host, lookupOptions, callback) => {
          if ((lookupOptions as { all?: boolean }).all) (callback as (e: null, a: { address: string; family: number }[]) => void)(null, [pinned]);
          else (callback as (e: null, a: string, f: number) => void)(null, pinned.address, pinned.family);
        },
      },
      (response) => {
        const chunks: Buffer[] = [];
        let size = 0;
        let truncated = false;
        response.on("data", (chunk: Buffer) => {
          if (truncated) return;
          if (size + chunk.length > options.maxBytes) {
            chunks.push(chunk.subarray(0, options.maxBytes - size));
            size = options.maxBytes;
            truncated = true;
            response.destroy();
            finish();
            return;
          }
          chunks.push(chunk);
          size += chunk.length;
        });
        let done = false;
        const finish = () => {
          if (done) return;
          done = true;
          resolve({ url: url.toString(), status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks), truncated });
        };
        response.on("end", finish);
        response.on("error", (error) => (truncated ? finish() : reject(error)));
      },
    );
    request.on("error", reject);
    request.end(options.body);
  });
}

/** Sends a request under the guard, following redirects for GET (each hop re-checked). */
export async function guardedRequest(options: GuardedRequestOptions): Promise<GuardedResponse> {
  let url = new URL(options.url);
  for (let hop = 0; ; hop += 1) {
    const pinned = await checkDestination(url, options.policy);
    const response = await requestOnce(url, pinned, options);
    const location = response.headers.location;
    const redirect = [301, 302, 303, 307, 308].includes(response.status) && location && options.method === "GET";
    if (!redirect) return response;
    if (hop >= options.maxRedirects) throw new DestinationRefusedError(`Too many redirects (more than ${options.maxRedirects}); last to ${location}.`);
    url = new URL(location, url);
  }
}
