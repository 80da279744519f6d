/** What the shell hands every page: the API client, the key, the assistants and the followed thread. */
import type { Client } from "@langchain/langgraph-sdk/client";
import type { RunView } from "../logic/run-view.js";
import type { Route } from "../logic/navigation.js";

/** The thread the Run page follows. */
export interface LiveThread {
  threadId: string;
  assistantId: string;
  view: RunView;
}

/** What every page receives. */
export interface ConsoleContext {
  client: Client;
  apiKey: string;
  assistants: { assistant_id: string; graph_id: string; name: string }[];
  live: LiveThread | null;
  /** Follows a thread's runs on the Run page (and shows it). */
  follow(threadId: string, assistantId: string, show?: boolean): void;
  navigate(route: Route): void;
}
