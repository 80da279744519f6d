/**
 * npm run bench:mcp-endpoint — what /mcp adds to a run: a tools/call of the trivial graph through
 * the MCP SDK client (Streamable HTTP, one connected client) against the same run made directly
 * with POST /threads/:id/runs/wait (what the tool call makes inside), on an embedded server in this
 * process. Calls alternate between the two in rounds; printed as time per call and the ratio to the
 * direct route measured in the same rounds. Options: --rounds N (default 5), --calls C per round (default 40).
 */
import { randomUUID } from "node:crypto";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { FIXTURE_CONFIG, startTestServer } from "../test/support/server.js";

const flag = (name: string, fallback: number) => {
  const index = process.argv.indexOf(name);
  return index >= 0 ? Number(process.argv[index + 1]) : fallback;
};
const ROUNDS = flag("--rounds", 5);
const CALLS = flag("--calls", 40);

async function main(): Promise<void> {
  const server = await startTestServer({ configPath: FIXTURE_CONFIG });
  const client = new Client({ name: "bench", version: "1.0.0" });
  await client.connect(new StreamableHTTPClientTransport(new URL(`${server.url}/mcp`)));
  const direct = async () => {
    const response = await fetch(`${server.url}/threads/${randomUUID()}/runs/wait`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ assistant_id: "trivial", input: { n: 1 }, if_not_exists: "create" }),
    });
    if (!response.ok) throw new Error(`runs/wait answered ${response.status}`);
    await response.json();
  };
  const viaMcp = async () => {
    const result = await client.callTool({ name: "trivial", arguments: { n: 1 } });
    if (result.isError) throw new Error(`tools/call failed: ${JSON.stringify(result.content)}`);
  };
  const variants: [string, () => Promise<void>][] = [
    ["POST /threads/:id/runs/wait (baseline)", direct],
    ["/mcp tools/call (MCP SDK client)", viaMcp],
  ];
  const totals = variants.map(() => ({ ms: 0, calls: 0 }));
  try {
    // Warm-up: the trivial graph's schema comes from a TypeScript pass, once.
    for (const [, run] of variants) for (let i = 0; i < 5; i += 1) await run();
    for (let round = 0; round < ROUNDS; round += 1) {
      for (const [index, [, run]] of variants.entries()) {
        const started = performance.now();
        for (let i = 0; i < CALLS; i += 1) await run();
        totals[index]!.ms += performance.now() - started;
        totals[index]!.calls += CALLS;
      }
    }
  } finally {
    await client.close();
    await server.close();
  }
  const base = totals[0]!.ms / totals[0]!.calls;
  console.log(`${ROUNDS} rounds x ${CALLS} sequential calls per variant, embedded server, trivial graph`);
  for (const [index, [name]] of variants.entries()) {
    const perCall = totals[index]!.ms / totals[index]!.calls;
    console.log(`${name.padEnd(42)} ${perCall.toFixed(2).padStart(8)} ms/call   x${(perCall / base).toFixed(2)}   (+${(perCall - base).toFixed(2)} ms)`);
  }
}

await main();
