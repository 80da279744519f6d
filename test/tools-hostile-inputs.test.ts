/**
 * Issue 19's hostile inputs, each called through the executor as a model would call it, while a
 * heartbeat timer runs on this event loop. Every call must end within its tool's limit with a
 * clear error, and the heartbeat must never stall as long as that limit: the untrusted work runs
 * on worker threads, not here. The longest stall (monitorEventLoopDelay) is printed for the note.
 */
import { AIMessage } from "@langchain/core/messages";
import { mkdtemp, mkdir, link, rm, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { monitorEventLoopDelay, performance } from "node:perf_hooks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseEnv } from "../lib/env.js";
import { createToolCatalog, executeToolCalls, type ToolCatalog } from "../tools/index.js";

interface Hostile {
  tool: string;
  args: Record<string, unknown>;
  /** What the model must be told. */
  answer: RegExp;
  /** The input's name in the issue, for the printed table. */
  name: string;
}

describe("hostile tool inputs keep the event loop alive (issue 19)", () => {
  let workspace: string;
  let outside: string;
  let server: Server;
  let port: number;
  let catalog: ToolCatalog;
  const stalls: { name: string; ms: number; gapMs: number; answer: string }[] = [];
  const histogram = monitorEventLoopDelay({ resolution: 10 });

  beforeAll(async () => {
    workspace = await mkdtemp(path.join(tmpdir(), "sb-hostile-"));
    outside = await mkdtemp(path.join(tmpdir(), "sb-hostile-outside-"));
    await writeFile(path.join(outside, "secret.txt"), "keep");
    await mkdir(path.join(workspace, "hostile-thread"), { recursive: true });
    await link(path.join(outside, "secret.txt"), path.join(workspace, "hostile-thread", "planted.txt"));
    server = createServer((_req, res) => res.writeHead(200, { "content-type": "text/html" }).end("<".repeat(120_000)));
    await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
    port = (server.address() as AddressInfo).port;
    // 127.0.0.1 is allow-listed for the page server: the IPv4-compatible spellings must still be refused.
    catalog = createToolCatalog({ env: parseEnv({ WORKSPACE_DIR: workspace, TOOL_NET_ALLOWLIST: "127.0.0.1", TOOL_POLICIES: '{"send_webhook":"allow"}' }) });
    histogram.enable();
  });

  afterAll(async () => {
    histogram.disable();
    const rows = stalls.map((row) => `  ${row.name.padEnd(46).slice(0, 46)} ${String(row.ms).padStart(6)} ms   longest heartbeat gap ${String(row.gapMs).padStart(4)} ms   ${row.answer}`);
    console.log(
      [
        "hostile inputs (each through the executor):",
        ...rows,
        `event loop delay over the whole run (monitorEventLoopDelay): max ${(histogram.max / 1e6).toFixed(1)} ms, p99 ${(histogram.percentile(99) / 1e6).toFixed(1)} ms, mean ${(histogram.mean / 1e6).toFixed(1)} ms`,
      ].join("\n"),
    );
    server.closeAllConnections();
    await new Promise((done) => server.close(done));
    await rm(workspace, { recursive: true, force: true });
    await rm(outside, { recursive: true, force: true });
  });

  const hostile = (): Hostile[] => [
    { name: "config({number:'number'})", tool: "calculator", args: { expression: "config({number:'number'})" }, answer: /config\(\) is not available/ },
    { name: "config({precision: number(200000)})", tool: "calculator", args: { expression: "config({precision: number(200000)})" }, answer: /config\(\) is not available/ },
    { name: "f(n) = n < 1 ? 1 : f(n-1) + f(n-1); f(20)", tool: "calculator", args: { expression: "f(n) = n < 1 ? 1 : f(n-1) + f(n-1); f(20)" }, answer: /block expressions are not supported/ },
    { name: "(2^10000)^2000", tool: "calculator", args: { expression: "(2^10000)^2000" }, answer: /results beyond 2\^16384 are not supported/ },
    { name: "pow(2, 20000)", tool: "calculator", args: { expression: "pow(2, 20000)" }, answer: /results beyond 2\^16384 are not supported/ },
    { name: "simplifyConstant('2^20000')", tool: "calculator", args: { expression: "simplifyConstant('2^20000')" }, answer: /simplifyConstant\(\) is not available/ },
    { name: "size(zeros(30000, 30000))", tool: "calculator", args: { expression: "size(zeros(30000, 30000))" }, answer: /zeros\(\) is not available/ },
    { name: "a 120k-character page of '<'", tool: "http_fetch", args: { url: `http://127.0.0.1:${port}/lt` }, answer: /"status":200,.*"truncated":true/ },
    { name: "http_fetch http://[::7f00:1]/", tool: "http_fetch", args: { url: `http://[::7f00:1]:${port}/` }, answer: /::7f00:1 \(not a public range\)/ },
    { name: "http_fetch http://[::a9fe:a9fe]/", tool: "http_fetch", args: { url: "http://[::a9fe:a9fe]/latest/meta-data/" }, answer: /::a9fe:a9fe \(not a public range\)/ },
    { name: "send_webhook http://[::a00:1]/", tool: "send_webhook", args: { url: "http://[::a00:1]/hook", payload: { text: "x" } }, answer: /::a00:1 \(not a public range\)/ },
    { name: "write_file 3 MiB of '€'", tool: "write_file", args: { path: "euro.txt", content: "€".repeat(1024 * 1024) }, answer: /3145728 bytes in UTF-8/ },
    { name: "write_file through a planted hard link", tool: "write_file", args: { path: "planted.txt", content: "overwritten" }, answer: /2 hard links/ },
    { name: "send_webhook with 3 MiB of '€'", tool: "send_webhook", args: { url: "https://hooks.example/x", payload: { text: "€".repeat(1024 * 1024) } }, answer: /webhooks carry at most 65536 bytes/ },
    { name: "run_javascript while (true) {}", tool: "run_javascript", args: { code: "while (true) {}" }, answer: /interrupted.*longer than 3000 ms/ },
  ];

  it.each(hostile().map((input) => [input.name, input] as const))("%s", async (_name, input) => {
    const { tool, args, answer, name } = hostile().find((candidate) => candidate.name === input.name)!;
    const spec = catalog.byName.get(tool)!;
    let last = performance.now();
    let longestGap = 0;
    const heartbeat = setInterval(() => {
      const now = performance.now();
      longestGap = Math.max(longestGap, now - last);
      last = now;
    }, 5);
    const started = performance.now();
    try {
      const message = new AIMessage({ content: "", tool_calls: [{ id: "call-hostile", name: tool, args, type: "tool_call" }] });
      const result = await executeToolCalls(message, catalog.byName, { threadId: "hostile-thread", runId: "hostile-run", graphId: "agent", agent: "adversary", owner: "adversary", toolCallsUsed: 0, toolCallBudget: 10 }, catalog.executorDeps);
      const elapsed = performance.now() - started;
      longestGap = Math.max(longestGap, performance.now() - last);
      const text = String(result.messages[0]!.content);
      stalls.push({ name, ms: Math.round(elapsed), gapMs: Math.round(longestGap), answer: text.replace(/\s+/g, " ").slice(0, 90) });
      expect(text).toMatch(answer);
      expect(text).not.toMatch(/did not finish within/);
      // Ended within the tool's own limit, and the loop never stalled that long (the old calculator froze it 4.7 s).
      expect(elapsed).toBeLessThan(spec.timeoutMs);
      expect(longestGap).toBeLessThan(Math.min(spec.timeoutMs, 2_000));
    } finally {
      clearInterval(heartbeat);
    }
  });
});
