/**
 * The default tool catalog of the shipped graphs.
 *
 * STAND-IN until the tools layer's `createToolCatalog` lands: specs with the real names and
 * schemas whose implementations only describe what they would do, so graphs, the CLI demo and
 * `langgraph dev` run end to end.
 */
import { z } from "zod";
import type { AnyToolSpec, ToolCatalog } from "../../agents/index.js";

const standIn = (name: string, description: string, schema: z.ZodObject, sideEffect: AnyToolSpec["sideEffect"]): AnyToolSpec => ({
  name,
  description,
  schema,
  timeoutMs: 10_000,
  sideEffect,
  run: async (args: unknown) => `(stand-in ${name}) would run with ${JSON.stringify(args)}`,
});

let catalog: ToolCatalog | undefined;

/** The tools on offer by default (built on first use). */
export function defaultToolCatalog(): ToolCatalog {
  catalog ??= Object.fromEntries(
    [
      standIn("search_knowledge", "Searches the knowledge base and returns passages with sources.", z.object({ query: z.string().min(2) }), "read_only"),
      standIn("http_fetch", "Fetches a web page (GET) and returns its text.", z.object({ url: z.string().url() }), "read_only"),
      standIn("calculator", "Evaluates an arithmetic expression exactly.", z.object({ expression: z.string().min(1) }), "read_only"),
      standIn("run_javascript", "Runs JavaScript in a sandbox and returns the result.", z.object({ code: z.string().min(1) }), "read_only"),
      standIn("write_file", "Writes a file into the thread's workspace.", z.object({ path: z.string().min(1), content: z.string() }), "idempotent_write"),
      standIn("send_webhook", "Sends a JSON payload to a webhook URL.", z.object({ url: z.string().url(), payload: z.record(z.string(), z.unknown()) }), "external_side_effect"),
    ].map((spec) => [spec.name, spec]),
  );
  return catalog;
}
