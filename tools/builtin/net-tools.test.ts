import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHttpFetchTool } from "./http-fetch.js";
import { htmlToText } from "../sandbox/html-text.js";
import { addressRange, checkDestination, DestinationRefusedError, parseAllowlist, type NetPolicy } from "../net/net-guard.js";
import { createSendWebhookTool } from "./send-webhook.js";
import type { ToolRunContext } from "../types.js";

const runCtx = (key = "sb-key-1"): ToolRunContext => ({
  threadId: "t",
  runId: "r",
  graphId: "g",
  agent: "a",
  owner: "o",
  toolCallId: "c",
  idempotencyKey: key,
  signal: new AbortController().signal,
});

describe("address checks (no connection is made)", () => {
  it("refuses special-purpose addresses and accepts public unicast", async () => {
    for (const address of ["127.0.0.1", "10.1.2.3", "172.16.0.1", "192.168.1.1", "169.254.169.254", "100.64.0.1", "0.0.0.0", "224.0.0.1", "::1", "fe80::1", "fc00::1", "::ffff:127.0.0.1", "255.255.255.255"]) {
      expect(addressRange(address), address).not.toBe("unicast");
      const host = address.includes(":") ? `[${address}]` : address;
      await expect(checkDestination(new URL(`http://${host}/`), { allowlist: [] }), address).rejects.toThrow(DestinationRefusedError);
    }
    await expect(checkDestination(new URL("http://93.184.216.34/"), { allowlist: [] })).resolves.toEqual({ address: "93.184.216.34", family: 4 });
  });

  it("accepts only addresses inside the public ranges: IPv4-compatible IPv6 and other unlisted ranges are refused (issue 19 finding 6)", async () => {
    // ipaddr.js calls these "unicast"; they reach 127.0.0.1, 169.254.169.254 and 10.0.0.1 through IPv4-compatible addressing.
    for (const host of ["[::7f00:1]", "[::a9fe:a9fe]", "[::a00:1]", "[::1.2.3.4]", "[64:ff9b::7f00:1]", "[2001:db8::1]", "[100::1]", "[3fff::1]", "[4000::1]"]) {
      await expect(checkDestination(new URL(`http://${host}/`), { allowlist: [] }), host).rejects.toThrow(/not a public address/);
    }
    await expect(checkDestination(new URL("http://[::7f00:1]/"), { allowlist: [] })).rejects.toThrow(/::7f00:1 \(not a public range\)/);
    await expect(checkDestination(new URL("http://[2606:4700:4700::1111]/"), { allowlist: [] })).resolves.toEqual({ address: "2606:4700:4700::1111", family: 6 });
    // A resolver answering with an IPv4-compatible address is refused the same way.
    const resolve = async () => [{ address: "::7f00:1", family: 6 }];
    await expect(checkDestination(new URL("http://sneaky.test/"), { allowlist: [], resolve })).rejects.toThrow(/not a public address/);
  });

  it("checks every resolved address and honours host, wildcard and CIDR allow-list entries", async () => {
    const resolve = async (host: string) =>
      host === "mixed.test" ? [{ address: "93.184.216.34", family: 4 }, { address: "10.0.0.5", family: 4 }] : [{ address: "10.0.0.5", family: 4 }];
    await expect(checkDestination(new URL("http://mixed.test/"), { allowlist: [], resolve })).rejects.toThrow(/10\.0\.0\.5 \(private\).*TOOL_NET_ALLOWLIST/);
    await expect(checkDestination(new URL("http://intranet.test/"), { allowlist: ["intranet.test"], resolve })).resolves.toMatchObject({ address: "10.0.0.5" });
    await expect(checkDestination(new URL("http://a.corp.test/"), { allowlist: ["*.corp.test"], resolve })).resolves.toBeDefined();
    await expect(checkDestination(new URL("http://x.test/"), { allowlist: parseAllowlist(" 10.0.0.0/8 , other ") , resolve })).resolves.toBeDefined();
    await expect(checkDestination(new URL("ftp://93.184.216.34/"), { allowlist: [] })).rejects.toThrow(/Only http and https/);
    await expect(checkDestination(new URL("http://u:p@93.184.216.34/"), { allowlist: [] })).rejects.toThrow(/credentials/);
  });
});

describe("http_fetch and send_webhook against a local server", () => {
  let server: Server;
  let port: number;
  const hooks: { headers: IncomingHttpHeaders; body: string }[] = [];
  let resolverCalls: string[] = [];
  // Test names all resolve to loopback: whatever happens, no traffic leaves this machine.
  const resolve = async (host: string) => {
    resolverCalls.push(host);
    return resolverCalls.length > 1 && host === "rebind.test" ? [{ address: "10.9.9.9", family: 4 }] : [{ address: "127.0.0.1", family: 4 }];
  };
  const policy = (allowlist: string[]): NetPolicy => ({ allowlist, resolve });

  beforeAll(async () => {
    server = createServer((req, res) => {
      const path = req.url ?? "/";
      if (req.method === "POST") {
        let body = "";
        req.on("data", (chunk) => (body += chunk));
        req.on("end", () => {
          hooks.push({ headers: req.headers, body });
          res.writeHead(path === "/hook-fail" ? 500 : 202, { "content-type": "application/json" }).end('{"accepted":true}');
        });
        return;
      }
      if (path === "/page") return res.writeHead(200, { "content-type": "text/html" }).end("<html><script>x()</script><h1>Title</h1><p>Hello &amp; welcome</p></html>");
      if (path === "/big") return res.writeHead(200, { "content-type": "text/plain" }).end("y".repeat(200_000));
      if (path === "/image") return res.writeHead(200, { "content-type": "image/png" }).end(Buffer.alloc(10));
      if (path === "/to-json") return res.writeHead(302, { location: "/json" }).end();
      if (path === "/to-other") return res.writeHead(302, { location: `http://other.test:${port}/json` }).end();
      res.writeHead(200, { "content-type": "application/json" }).end('{"ok":true}');
    });
    await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((done) => server.close(done));
  });

  it("fetches allow-listed local pages, reduces HTML to text, follows checked redirects", async () => {
    const fetchTool = createHttpFetchTool({ policy: policy(["127.0.0.1"]), maxBytes: 50_000 });
    expect(await fetchTool.run({ url: `http://127.0.0.1:${port}/page` }, runCtx())).toMatchObject({ status: 200, content: "Title\n\nHello & welcome" });
    expect(await fetchTool.run({ url: `http://127.0.0.1:${port}/to-json` }, runCtx())).toMatchObject({ url: `http://127.0.0.1:${port}/json`, content: '{"ok":true}' });
    const big = (await fetchTool.run({ url: `http://127.0.0.1:${port}/big` }, runCtx())) as { truncated: boolean; content: string };
    expect(big.truncated).toBe(true);
    expect(big.content.length).toBeLessThan(13_000);
    expect(await fetchTool.run({ url: `http://127.0.0.1:${port}/image` }, runCtx())).toMatchObject({ content: expect.stringMatching(/binary content \(image\/png\), 10 bytes/) });
  });

  it("refuses loopback when not allow-listed, and re-checks redirect targets", async () => {
    const closed = createHttpFetchTool({ policy: policy([]) });
    await expect(closed.run({ url: `http://127.0.0.1:${port}/json` }, runCtx())).rejects.toThrow(/127\.0\.0\.1 \(loopback\)/);
    await expect(closed.run({ url: `http://localhost:${port}/json` }, runCtx())).rejects.toThrow(/loopback/);
    const onlyFirstHop = createHttpFetchTool({ policy: policy(["fetch.test"]) });
    expect(await onlyFirstHop.run({ url: `http://fetch.test:${port}/json` }, runCtx())).toMatchObject({ status: 200 });
    await expect(onlyFirstHop.run({ url: `http://fetch.test:${port}/to-other` }, runCtx())).rejects.toThrow(/Refusing other\.test/);
  });

  it("connects to the address it checked (no DNS rebinding between check and connect)", async () => {
    resolverCalls = [];
    const tool = createHttpFetchTool({ policy: policy(["rebind.test"]) });
    expect(await tool.run({ url: `http://rebind.test:${port}/json` }, runCtx())).toMatchObject({ status: 200 });
    expect(resolverCalls).toEqual(["rebind.test"]);
  });

  it("posts webhooks with an idempotency key and reports failures", async () => {
    const webhook = createSendWebhookTool({ policy: policy(["127.0.0.1"]) });
    expect(webhook.sideEffect).toBe("external_side_effect");
    const result = await webhook.run({ url: `http://127.0.0.1:${port}/hook`, payload: { text: "deploy done" } }, runCtx("sb-abc"));
    expect(result).toMatchObject({ delivered: true, status: 202, idempotencyKey: "sb-abc" });
    expect(hooks.at(-1)).toMatchObject({ body: '{"text":"deploy done"}', headers: { "idempotency-key": "sb-abc", "content-type": "application/json" } });
    await expect(webhook.run({ url: `http://127.0.0.1:${port}/hook-fail`, payload: {} }, runCtx())).rejects.toThrow(/HTTP 500/);
    await expect(createSendWebhookTool({ policy: policy([]) }).run({ url: `http://127.0.0.1:${port}/hook`, payload: {} }, runCtx())).rejects.toThrow(/loopback/);
  });

  it("send_webhook refuses payloads above 64 KiB of JSON before anything is sent (issue 19 finding 6)", async () => {
    const webhook = createSendWebhookTool({ policy: policy(["127.0.0.1"]) });
    const before = hooks.length;
    const huge = { text: "€".repeat(3 * 1024 * 1024) };
    const parsed = webhook.schema.safeParse({ url: `http://127.0.0.1:${port}/hook`, payload: huge });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]?.message).toMatch(/payload is 9437195 bytes as JSON; webhooks carry at most 65536 bytes/);
    await expect(webhook.run({ url: `http://127.0.0.1:${port}/hook`, payload: huge }, runCtx())).rejects.toThrow(/at most 65536 bytes/);
    expect(webhook.schema.safeParse({ url: `http://127.0.0.1:${port}/hook`, payload: { text: "x".repeat(60_000) } }).success).toBe(true);
    expect(hooks.length).toBe(before);
  });

  it("reduces HTML to readable text", async () => {
    expect(await htmlToText("<style>a{}</style><script>x()</script><ul><li>one</li><li>two</li></ul><noscript>n</noscript>")).toBe(" * one\n * two");
    expect(await htmlToText('<h2>Figures</h2><table><tr><th>City</th><th>People</th></tr><tr><td>Paris</td><td>2.1 M</td></tr></table><a href="https://x.example/">more</a>')).toBe(
      "Figures\n\nCity    People\nParis   2.1 M\n\nmore [https://x.example/]",
    );
  });

  it("converts hostile pages in time proportional to their size (issue 19 finding 4)", async () => {
    // A 120k-character page of '<' took 5.1 s of event loop with the old regular expressions.
    expect(await htmlToText("<".repeat(120_000))).toBe("<".repeat(120_000));
    expect(await htmlToText(`<script>${"<".repeat(500_000)}`)).toBe("");
    // 100,000 nested elements are cut at depth 100 instead of overflowing the stack.
    expect(await htmlToText(`${"<div>".repeat(100_000)}deep`)).toBe("…");
  });
});
