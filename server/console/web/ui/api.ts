/** The console's connection to the API: the SDK client with the operator's key (kept for the browser session). */
import { Client } from "@langchain/langgraph-sdk/client";

const KEY_ITEM = "switchboard.apiKey";

/** The stream modes every run the console starts carries (what the Run page folds). */
export const RUN_STREAM = { streamMode: ["custom", "updates", "values"] as ("custom" | "updates" | "values")[], streamSubgraphs: true };

/** The key typed earlier in this browser session, if any. */
export function storedKey(): string {
  return sessionStorage.getItem(KEY_ITEM) ?? "";
}

/** Keeps (or, with "", forgets) the key for this browser session. */
export function storeKey(key: string): void {
  if (key) sessionStorage.setItem(KEY_ITEM, key);
  else sessionStorage.removeItem(KEY_ITEM);
}

/** An SDK client on this server. */
export function apiClient(key: string): Client {
  return new Client({ apiUrl: location.origin, apiKey: key || null, defaultHeaders: key ? { authorization: `Bearer ${key}` } : {} });
}

/** A JSON GET on this server with the key (routes the SDK does not cover: traces, console links). */
export async function getJson<T>(key: string, path: string): Promise<T> {
  const response = await fetch(path, { headers: key ? { authorization: `Bearer ${key}` } : {} });
  const body = (await response.json().catch(() => ({}))) as T & { message?: string };
  if (!response.ok) throw new Error(body.message ?? `HTTP ${response.status}`);
  return body;
}

/** Whether the server wants a key (from /info, which answers without one). */
export async function authRequired(): Promise<boolean> {
  const info = (await (await fetch("/info")).json()) as { switchboard?: { auth?: boolean } };
  return info.switchboard?.auth === true;
}

/** A short text for an error shown to the operator. */
export function problemText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
