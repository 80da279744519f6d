/**
 * Calls Switchboard's /mcp with the MCP SDK client: lists the tools (one per assistant), asks one
 * of them, then continues the same thread with a follow-up. Run against a server:
 *
 *   npx tsx examples/mcp-client.ts http://127.0.0.1:2024/mcp agent "What is 2+2?" "And times 10?"
 *
 * With SERVER_API_KEYS on the server, put your key in SWITCHBOARD_API_KEY.
 */
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { pathToFileURL } from "node:url";

/** What the example prints: the tool names, and each answer with the thread it ran on. */
export interface Conversation {
  tools: string[];
  turns: { answer: string; thread_id: string; run_id: string; status: string }[];
}

/** Lists the tools, asks `tool` each question in turn on one thread, and closes the session. */
export async function converse(url: string, tool: string, questions: string[], apiKey?: string): Promise<Conversation> {
  const headers: Record<string, string> = apiKey ? { Authorization: `Bearer ${apiKey}` } : {};
  const client = new Client({ name: "switchboard-example", version: "1.0.0" });
  await client.connect(new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers } }));
  try {
    const tools = (await client.listTools()).tools.map((listed) => listed.name);
    const turns: Conversation["turns"] = [];
    let threadId: string | undefined;
    for (const question of questions) {
      // A result's structuredContent.thread_id, passed back, continues the conversation.
      const args = { messages: [{ role: "user", content: question }], ...(threadId ? { thread_id: threadId } : {}) };
      // A run with a real model can take minutes; the SDK gives up on a request after 60 s by default.
      const result = await client.callTool({ name: tool, arguments: args }, undefined, { timeout: 10 * 60_000 });
      const turn = result.structuredContent as Conversation["turns"][number];
      if (result.isError) throw new Error(`${tool} failed: ${turn?.answer ?? JSON.stringify(result.content)}`);
      threadId = turn.thread_id;
      turns.push(turn);
    }
    return { tools, turns };
  } finally {
    await client.close();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const [url = "http://127.0.0.1:2024/mcp", tool = "agent", ...questions] = process.argv.slice(2);
  const { tools, turns } = await converse(url, tool, questions.length > 0 ? questions : ["What is 17 * 23?"], process.env.SWITCHBOARD_API_KEY);
  console.log(`tools: ${tools.join(", ")}`);
  for (const turn of turns) console.log(`[${turn.status}] thread ${turn.thread_id}: ${turn.answer}`);
}
