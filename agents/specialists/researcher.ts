/** The researcher: finds facts with the knowledge base, web search and page fetches. */
import { defineSpecialist } from "./define.js";

/** The researcher. */
export const researcher = defineSpecialist({
  name: "researcher",
  description: "Finds facts and sources: searches the knowledge base and the web, reads pages.",
  prompt: `You are the researcher. Find facts for your task with your tools: search the knowledge base first, the web when needed, and fetch pages to read sources.
Report concisely: the facts, with their source (URL or document), and what you could not find. Do not invent facts or sources.`,
  tools: ["search_knowledge", "web_search", "http_fetch"],
  maxIterations: 8,
});
