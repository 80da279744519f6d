/**
 * npm run bench:mcp — what an MCP tool costs per call against the same tool built in: one
 * `lookup_record` call through Switchboard's executor (validation, guardrail, time limit, trace
 * hooks), as a built-in tool, as an MCP tool over stdio (the fixture server as a child process)
 * and over Streamable HTTP (the same server in-process on loopback, one session). Variants run
 * interleaved in rounds, sequential calls; each is printed as the median time per call and as a
 * ratio to the built-in tool measured in the same rounds, with one plain HTTP round trip to the
 * same loopback server for scale (on a shared machine that round trip dominates the HTTP figure).
 * Options: --rounds N (default 5), --calls N per variant and round (default 200).
 */
import type { AIMessage } from "@langchain/core/messages";
import { fileURLToPath } from "node:url";
import { z } from "zod";
import { parseEnv, readEnvReference } from "../lib/env.js";
import { createToolCatalog, defineTool, executeToolCalls, type AnyToolSpec } from "../tools/index.js";
import { parseExternalToolsConfig } from "../tools/external/index.js";
import { startFixtureHttpServer } from "../test/fixtures/mcp/fixture-server.js";

const flag = (name: string, fallback: number) => {
  const index = process.argv.indexOf(name);
  return index >= 0 ? Number(process.argv[index + 1]) : fallback;
};
const ROUNDS = flag("--rounds", 5);
const CALLS = flag("--calls", 200);
const FIXTURE = fileURLToPath(new URL("../test/fixtures/mcp/fixture-server.ts", import.meta.url));

const builtin = defineTool({
  name: "lookup_record",
  description: "Looks up a record by id and returns its title.",
  schema: z.object({ id: z.string().describe("record id") }),
  timeoutMs: 10_000,
  sideEffect: "read_only",
  run: async ({ id }) => `record ${id}: title of ${id}`,
});

async function timePerCall(tool: AnyToolSpec, calls: number): Promise<number> {
  const ctx = { threadId: "bench", runId: "bench", graphId: "agent", agent: "assistant", toolCallsUsed: 0, toolCallBudget: Number.MAX_SAFE_INTEGER };
  const started = process.hrtime.bigint();
  for (let i = 0; i < calls; i += 1) {
    const message = { tool_calls: [{ name: tool.name, args: { id: `r${i}` }, id: `c${i}`, type: "tool_call" }] } as unknown as AIMessage;
    const result = await executeToolCalls(message, [tool], ctx);
    if (result.messages[0]!.content !== `record r${i}: title of r${i}`) throw new Error(`${tool.name} answered ${String(result.messages[0]!.content)}`);
  }
  return Number(process.hrtime.bigint() - started) / 1e6 / calls;
}

/** One plain HTTP round trip to the same loopback server (no MCP), for scale. */
async function fetchPerCall(url: string, calls: number): Promise<number> {
  const started = process.hrtime.bigint();
  for (let i = 0; i < calls; i += 1) await (await fetch(url)).arrayBuffer();
  return Number(process.hrtime.bigint() - started) / 1e6 / calls;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

async function main(): Promise<void> {
  const http = await startFixtureHttpServer({ sessions: true });
  const config = parseExternalToolsConfig(
    { mcpServers: { stdio: { command: process.execPath, args: ["--import", "tsx", FIXTURE] }, http: { url: http.url, transport: "http" } }, agents: { assistant: ["stdio.lookup_record", "http.lookup_record"] } },
    "bench config",
  );
  const catalog = createToolCatalog({ env: parseEnv({}), externalTools: { config, lookup: (name) => readEnvReference(name) } });
  try {
    await catalog.external!.start();
    const byName = new Map(catalog.select([], "assistant").map((tool) => [tool.name, tool]));
    const variants: [string, AnyToolSpec][] = [
      ["built-in", builtin],
      ["MCP stdio", byName.get("stdio__lookup_record")!],
      ["MCP Streamable HTTP", byName.get("http__lookup_record")!],
    ];
    if (variants.some(([, tool]) => !tool)) throw new Error(`an MCP server did not start: ${JSON.stringify(catalog.external!.problems())}`);
    for (const [, tool] of variants) await timePerCall(tool, 20);
    const samples = new Map<string, number[]>(variants.map(([name]) => [name, []]));
    const plain = "plain HTTP GET (no MCP)";
    samples.set(plain, []);
    for (let round = 0; round < ROUNDS; round += 1) {
      for (const [name, tool] of variants) samples.get(name)!.push(await timePerCall(tool, CALLS));
      samples.get(plain)!.push(await fetchPerCall(http.url, CALLS));
    }
    const base = median(samples.get("built-in")!);
    console.log(`bench:mcp — ${ROUNDS} rounds × ${CALLS} sequential calls per variant, median ms per call through executeToolCalls`);
    for (const name of samples.keys()) {
      const ms = median(samples.get(name)!);
      console.log(`${name.padEnd(22)} ${ms.toFixed(3).padStart(8)} ms/call   ×${(ms / base).toFixed(1)} the built-in tool`);
    }
  } finally {
    await catalog.external!.close();
    await http.close();
  }
}

await main();
