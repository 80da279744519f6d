/**
 * web_search: Tavily search through `@langchain/tavily`. Only offered when `TAVILY_API_KEY` is
 * set (the catalog leaves it out otherwise). Results are trimmed to what a model needs.
 */
import { TavilySearch } from "@langchain/tavily";
import { z } from "zod";
import { defineTool } from "../types.js";

/** Builds the web_search tool. */
export function createWebSearchTool(options: { apiKey: string; apiBaseUrl?: string; maxResults?: number }) {
  return defineTool({
    name: "web_search",
    description:
      "Searches the web (Tavily) and returns the top results with title, URL and a content snippet. Use it for current or public information; then read promising pages with http_fetch and cite their URLs.",
    schema: z.object({
      query: z.string().min(2).max(400).describe("a focused search query"),
      topic: z.enum(["general", "news", "finance"]).default("general").describe("news for recent events"),
    }),
    timeoutMs: 20_000,
    sideEffect: "read_only",
    run: async ({ query, topic }) => {
      const search = new TavilySearch({
        tavilyApiKey: options.apiKey,
        maxResults: options.maxResults ?? 5,
        topic,
        ...(options.apiBaseUrl ? { apiBaseUrl: options.apiBaseUrl } : {}),
      });
      const response = (await search.invoke({ query })) as { results?: { title?: string; url?: string; content?: string; score?: number }[]; error?: unknown };
      if (!response || typeof response !== "object" || response.error) {
        throw new Error(`the search service failed: ${JSON.stringify(response?.error ?? response).slice(0, 300)}`);
      }
      return {
        query,
        results: (response.results ?? []).map((result) => ({ title: result.title ?? "", url: result.url ?? "", snippet: (result.content ?? "").slice(0, 600) })),
      };
    },
  });
}
