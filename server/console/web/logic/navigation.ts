/** The console's pages and their addresses (`#/run`, `#/threads/<id>`, `#/trace/<thread>/<run>`, …). */

/** A page and what it shows. */
export type Route =
  | { page: "run" }
  | { page: "graph"; assistantId: string | null }
  | { page: "approvals" }
  | { page: "threads"; threadId: string | null }
  | { page: "trace"; threadId: string | null; runId: string | null }
  | { page: "memory" };

/** The pages, in the order of the menu. */
export const PAGES = ["run", "graph", "approvals", "threads", "trace", "memory"] as const;

/** The route a location hash stands for (the Run page for anything unknown). */
export function parseRoute(hash: string): Route {
  const parts = hash.replace(/^#\/?/, "").split("/").filter(Boolean).map((part) => decodeURIComponent(part));
  switch (parts[0]) {
    case "graph":
      return { page: "graph", assistantId: parts[1] ?? null };
    case "approvals":
      return { page: "approvals" };
    case "threads":
      return { page: "threads", threadId: parts[1] ?? null };
    case "trace":
      return { page: "trace", threadId: parts[1] ?? null, runId: parts[2] ?? null };
    case "memory":
      return { page: "memory" };
    default:
      return { page: "run" };
  }
}

/** The hash of a route. */
export function routeHash(route: Route): string {
  const join = (...parts: (string | null)[]) => `#/${parts.filter((part): part is string => part !== null).map(encodeURIComponent).join("/")}`;
  switch (route.page) {
    case "graph":
      return join("graph", route.assistantId);
    case "threads":
      return join("threads", route.threadId);
    case "trace":
      return join("trace", route.threadId, route.threadId ? route.runId : null);
    default:
      return join(route.page);
  }
}

/** Per-run limits as typed in the Run form (blank = none) → `configurable.limits`, or the first problem. */
export function limitsFromForm(form: { maxTokens: string; maxCostUsd: string; maxToolCalls: string }): { limits: Record<string, number> } | { problem: string } {
  const limits: Record<string, number> = {};
  const fields: [keyof typeof form, string, boolean][] = [
    ["maxTokens", "Max tokens", true],
    ["maxCostUsd", "Max cost (USD)", false],
    ["maxToolCalls", "Max tool calls", true],
  ];
  for (const [key, label, integer] of fields) {
    const raw = form[key].trim();
    if (!raw) continue;
    const value = Number(raw);
    if (!Number.isFinite(value) || value <= 0 || (integer && !Number.isInteger(value))) return { problem: `${label} must be a positive ${integer ? "whole number" : "number"}, got '${raw}'.` };
    limits[key] = value;
  }
  return { limits };
}

/** A thread's runs and checkpoints on one timeline, oldest first (runs sort before the checkpoints they wrote). */
export interface TimelineEntry {
  kind: "run" | "checkpoint";
  id: string;
  at: string;
  label: string;
  runId: string | null;
}

/** Merges runs and history (checkpoints) by time. */
export function threadTimeline(
  runs: { run_id: string; created_at: string; status: string }[],
  checkpoints: { checkpoint: { checkpoint_id?: string }; created_at: string | null; metadata: Record<string, unknown> | null; next: string[] }[],
): TimelineEntry[] {
  const entries: TimelineEntry[] = [
    ...runs.map((run) => ({ kind: "run" as const, id: run.run_id, at: run.created_at, label: `run ${run.status}`, runId: run.run_id })),
    ...checkpoints.map((state) => {
      const meta = state.metadata ?? {};
      const step = typeof meta.step === "number" ? `step ${meta.step}` : "checkpoint";
      const source = typeof meta.source === "string" ? meta.source : "";
      const next = state.next.length > 0 ? ` → ${state.next.join(", ")}` : "";
      return { kind: "checkpoint" as const, id: state.checkpoint.checkpoint_id ?? "", at: state.created_at ?? "", label: [step, source].filter(Boolean).join(" ") + next, runId: typeof meta.run_id === "string" ? meta.run_id : null };
    }),
  ];
  return entries.sort((a, b) => a.at.localeCompare(b.at) || (a.kind === b.kind ? 0 : a.kind === "run" ? -1 : 1));
}

/** What a thread is about, for lists: the goal the console recorded, else the state's goal, else its first message. */
export function threadGoal(thread: { metadata?: unknown; values?: unknown }): string {
  const meta = (thread.metadata ?? {}) as Record<string, unknown>;
  const values = (thread.values ?? {}) as Record<string, unknown>;
  if (typeof meta.goal === "string") return meta.goal;
  if (typeof values.goal === "string" && values.goal) return values.goal;
  const first = Array.isArray(values.messages) ? (values.messages[0] as { content?: unknown } | undefined) : undefined;
  return typeof first?.content === "string" ? first.content.slice(0, 200) : "";
}
