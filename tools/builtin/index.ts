/**
 * The one list of the tools Switchboard ships. Adding a tool touches only this folder: its file
 * (zod schema, description, side-effect class, implementation), its test beside it, and one
 * entry below. An entry builds its tool from the process's services, or says why the tool
 * cannot be offered here (a missing key or service), which the catalog reports.
 */
import type { KnowledgeRetriever } from "../../lib/contracts/memory.js";
import type { Env } from "../../lib/env.js";
import type { NetPolicy } from "../net/net-guard.js";
import type { AnyToolSpec } from "../types.js";
import { calculatorTool } from "./calculator.js";
import { createHttpFetchTool } from "./http-fetch.js";
import { createRunJavascriptTool, DEFAULT_SANDBOX_POOL } from "./run-javascript.js";
import { createSearchKnowledgeTool } from "./search-knowledge.js";
import { createSendWebhookTool } from "./send-webhook.js";
import { createWebSearchTool } from "./web-search.js";
import { createWriteFileTool } from "./write-file.js";

/** The environment variables builtin tools read (the sandbox pool size has defaults). */
export type BuiltinToolEnv = Pick<Env, "TAVILY_API_KEY" | "WORKSPACE_DIR"> & Partial<Pick<Env, "TOOL_SANDBOX_WORKERS" | "TOOL_SANDBOX_PER_OWNER">>;

/** What a process gives the builtin tools to build them. */
export interface BuiltinToolServices {
  env: BuiltinToolEnv;
  /** Where network tools may connect. */
  policy: NetPolicy;
  /** Long-term knowledge (from memory/), for search_knowledge. */
  knowledge?: KnowledgeRetriever;
  /** Tavily endpoint override (tests, proxies). */
  tavilyBaseUrl?: string;
}

/** A shipped tool: its name, and how to build it or why it is not on offer. */
export interface BuiltinTool {
  readonly name: string;
  create(services: BuiltinToolServices): AnyToolSpec | { unavailable: string };
}

/** Every tool Switchboard ships, in the order an agent is shown them. */
export const BUILTIN_TOOLS = [
  {
    name: "search_knowledge",
    create: ({ knowledge }) => (knowledge ? createSearchKnowledgeTool({ retriever: knowledge }) : { unavailable: "no knowledge retriever was provided (long-term memory is not wired)" }),
  },
  {
    name: "web_search",
    create: ({ env, tavilyBaseUrl }) =>
      env.TAVILY_API_KEY ? createWebSearchTool({ apiKey: env.TAVILY_API_KEY, ...(tavilyBaseUrl ? { apiBaseUrl: tavilyBaseUrl } : {}) }) : { unavailable: "TAVILY_API_KEY is not set" },
  },
  { name: "http_fetch", create: ({ policy }) => createHttpFetchTool({ policy }) },
  { name: "calculator", create: () => calculatorTool },
  {
    name: "run_javascript",
    create: ({ env }) =>
      createRunJavascriptTool({ workers: env.TOOL_SANDBOX_WORKERS ?? DEFAULT_SANDBOX_POOL.workers, perOwner: env.TOOL_SANDBOX_PER_OWNER ?? DEFAULT_SANDBOX_POOL.perOwner }),
  },
  { name: "write_file", create: ({ env }) => createWriteFileTool({ workspaceDir: env.WORKSPACE_DIR }) },
  { name: "send_webhook", create: ({ policy }) => createSendWebhookTool({ policy }) },
] as const satisfies readonly BuiltinTool[];

/** A shipped tool's name. */
export type ToolName = (typeof BUILTIN_TOOLS)[number]["name"];

/** Every shipped tool's name, in the order an agent is shown them. */
export const TOOL_NAMES: readonly ToolName[] = BUILTIN_TOOLS.map((tool) => tool.name);
