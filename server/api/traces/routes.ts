/**
 * `GET /threads/:thread_id/runs/:run_id/trace`: the recorded step tree of a run (timings,
 * prompts, responses, tool calls, guardrail decisions, rail trips, tokens, cost), only to the
 * run's owner. `?format=text` answers with the same indented tree `npm start -- --trace` prints.
 * Mounted by the app with `app.route("/", traceRoutes(deps))`.
 */
import { Hono, type Context } from "hono";
import { z } from "zod";
import { renderTrace } from "../../../tracing/index.js";
import { InvalidInputError, NotFoundError } from "../../../lib/errors.js";
import type { TraceStore } from "../../../tracing/index.js";

/** What the trace route needs. */
export interface TraceRouteDeps {
  traceStore: TraceStore;
  /** The owner of the request (the server's `ownerOf(c)`); default: the `owner` context variable, else `default`. */
  ownerOf?: (c: Context) => string;
  /**
   * Whether run `runId` of thread `threadId` exists and belongs to `owner` (the server's run
   * store). When omitted, the owner and thread recorded in the trace are checked alone.
   */
  canReadRun?: (owner: string, threadId: string, runId: string) => Promise<boolean>;
}

const id = z.string().trim().min(1).max(200).regex(/^[\w.:-]+$/, "may hold letters, digits, '_', '-', '.', ':'");
const paramsSchema = z.object({ thread_id: id, run_id: id });
const querySchema = z.object({ format: z.enum(["json", "text"]).default("json") });

function parse<T>(schema: z.ZodType<T>, value: unknown, where: string): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issues = result.error.issues.map((issue) => ({ path: `${where}.${issue.path.join(".")}`, message: issue.message }));
  throw new InvalidInputError(`Invalid ${where}: ${issues.map((issue) => `${issue.path} ${issue.message}`).join("; ")}.`, { issues });
}

/** The trace route module. */
export function traceRoutes(deps: TraceRouteDeps): Hono {
  const app = new Hono();
  const ownerOf = deps.ownerOf ?? ((c: Context) => (c.get("owner" as never) as string | undefined) ?? "default");
  app.get("/threads/:thread_id/runs/:run_id/trace", async function getRunTrace(c) {
    const { thread_id: threadId, run_id: runId } = parse(paramsSchema, c.req.param(), "path");
    const { format } = parse(querySchema, c.req.query(), "query");
    const owner = ownerOf(c);
    // One answer for "no such run", "not yours" and "no trace": nothing about other owners leaks.
    const notFound = () => {
      const error = new NotFoundError("trace of run", runId);
      error.message += " Traces are recorded when a run (or a resumed segment) ends, and kept for TRACE_RETENTION_HOURS.";
      return error;
    };
    if (deps.canReadRun && !(await deps.canReadRun(owner, threadId, runId))) throw notFound();
    const trace = await deps.traceStore.get(runId);
    if (!trace || trace.threadId !== threadId || trace.owner !== owner) throw notFound();
    if (format === "text") return c.text(`${renderTrace(trace).join("\n")}\n`);
    return c.json(trace);
  });
  return app;
}
